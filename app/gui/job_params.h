#pragma once
// The parameters of the workbench's jobs as the dialogs fill them, with JSON forms that
// workspace.json keeps so an interrupted job can be resumed after a restart. Conversion to
// core's parameter structs happens in jobs.cpp.
#include "core/speculate/train.h"
#include "core/trace/reshard.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace specmoe::gui {

struct SourceSettings {
    QString name;
    QString path;
    QString format = QStringLiteral("auto"); // core's format names (core/data/source_spec.h)
    QString field;                           // empty = the format's default
    double weight = 1.0;
};

struct CollectSettings {
    QString modelDir;
    QString tokenizer;      // tokenizer.model; empty = the model folder's
    QVector<SourceSettings> sources;
    qint64 targetTokens = 1000000;
    int maxLength = 512;
    int batchSize = 0;        // 0 = the largest that fits (collector decides)
    QString device = QStringLiteral("auto");
    QString dtype = QStringLiteral("bfloat16");
    QString residency = QStringLiteral("resident");
    double shardSizeMB = 256;
    QVector<int> lookahead{1, 2};
    QString outputDir;
    int threads = 0;

    QJsonObject toJson() const;
    static CollectSettings fromJson(const QJsonObject& o);
};

struct ReshardSettings {
    QString sourceDir;
    QString outputDir;
    ReshardOptions options;

    QJsonObject toJson() const;
    static ReshardSettings fromJson(const QJsonObject& o);
};

QJsonObject trainParamsToJson(const speculate::TrainParams& p);
speculate::TrainParams trainParamsFromJson(const QJsonObject& o);

// "1, 2" -> {1, 2}; returns false on anything but positive integers.
bool parseIntList(const QString& text, QVector<int>* out);
QString intListText(const QVector<int>& v);

} // namespace specmoe::gui
