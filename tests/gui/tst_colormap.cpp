// The heatmap colour map: ends and monotone lightness (perceptual uniformity proxy).
#include "widgets/colormap.h"

#include <QtTest>

class TestColormap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void endsAreViridis()
    {
        QCOMPARE(specmoe::widgets::viridis(0.0), QColor(68, 1, 84));
        QCOMPARE(specmoe::widgets::viridis(1.0), QColor(253, 231, 37));
        QCOMPARE(specmoe::widgets::viridis(-3.0), QColor(68, 1, 84));
    }
    void lightnessIncreases()
    {
        double last = -1;
        for (int i = 0; i <= 100; ++i) {
            const QColor c = specmoe::widgets::viridis(i / 100.0);
            const double y = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
            QVERIFY2(y >= last - 1e-9, qPrintable(QString::number(i)));
            last = y;
        }
    }
};

QTEST_MAIN(TestColormap)
#include "tst_colormap.moc"
