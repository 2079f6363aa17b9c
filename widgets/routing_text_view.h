#pragma once
// Routing text: the sequence's text with every token's background coloured by its
// first-choice expert at the chosen layer (as in the Mixtral paper's figure), a layer slider
// and an expert legend. Up to 10 experts each get a colour; beyond that colours cannot tell
// experts apart, so the 8 experts most often first choice at the layer in this text get the
// colours (legend: their ids and shares) and the rest a neutral grey, or one chosen expert
// is highlighted alone; hovering names every token's top-k ids. Generated (decode) tokens
// are underlined. Custom painted over a precomputed layout: only visible lines are drawn and
// a layer switch only changes the colour lookup, so it stays fast at 1 M tokens.
#include "widgets/exportable_view.h"
#include "widgets/routed_text.h"

#include <QAbstractScrollArea>
#include <QColor>
#include <QWidget>

#include <vector>

class QLabel;
class QSlider;
class QSpinBox;

namespace specmoe::widgets {

// The painted text (scrollable). Owned by RoutingTextView.
class RoutingTextCanvas : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit RoutingTextCanvas(QWidget* parent = nullptr);
    void setRoutedText(const RoutedText* text);
    void setLayer(int layer);
    int layer() const { return m_layer; }
    // Background per expert id (what the view's legend explains).
    void setTints(std::vector<QColor> tints);
    QColor tint(int expert) const;
    // The token at a viewport position (-1 when none).
    long long tokenAt(const QPoint& viewportPos) const;
    QString tokenToolTip(size_t token) const;
    size_t firstVisibleToken() const;
    int lineCount() const { return int(m_lineStart.size()); }
    void scrollToToken(size_t token);
    // Paints tokens from `first` laid out in rect (its own layout) and returns the tokens drawn.
    size_t paintTokens(QPainter& painter, const QRectF& rect, size_t first) const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    void relayout();
    float pieceWidth(uint32_t piece) const;

    const RoutedText* m_routedText = nullptr;
    int m_layer = 0;
    int m_layoutWidth = -1;
    std::vector<QColor> m_tints;
    double m_lineHeight = 18;
    mutable std::vector<float> m_pieceWidth; // per piece, -1 = not measured
    std::vector<float> m_x;                  // per token
    std::vector<uint32_t> m_lineStart;       // first token of each line
};

class RoutingTextView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit RoutingTextView(QWidget* parent = nullptr);

    void setRoutedText(RoutedText text);
    const RoutedText& routedText() const { return m_routedText; }
    void setLayer(int layer);
    int layer() const;
    RoutingTextCanvas* canvas() const { return m_canvas; }
    // -1: colour the top experts of the layer (every expert when there are at most 10);
    // else only this expert.
    void setHighlightedExpert(int expert);
    int highlightedExpert() const { return m_highlight; }
    // The experts that have a colour of their own at the current layer (legend order).
    const std::vector<int>& colouredExperts() const { return m_coloured; }
    // Layer labels and the phases of the text's tokens (sequences with generated tokens).
    void setContext(const RoutingContext& context);

    static constexpr int kDistinctColours = 10; // experts that can each have a colour
    static constexpr int kTopExperts = 8;       // coloured beyond that

    QString viewId() const override { return QStringLiteral("routing_text"); }
    QString viewTitle() const override;
    QWidget* viewWidget() override { return this; }
    bool exportImage(const QString& path, const QSize& size, double dpi = 96.0,
                     QString* error = nullptr) override;
    bool exportCsv(const QString& path, QString* error = nullptr) const override;

Q_SIGNALS:
    void layerChanged(int layer);

private:
    void updateLegend();

    RoutedText m_routedText;
    RoutingContext m_context;
    int m_highlight = -1;
    std::vector<int> m_coloured;
    QSlider* m_slider = nullptr;
    QLabel* m_layerLabel = nullptr;
    QLabel* m_legend = nullptr;
    QSpinBox* m_highlightBox = nullptr;
    RoutingTextCanvas* m_canvas = nullptr;
};

} // namespace specmoe::widgets
