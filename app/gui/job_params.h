#pragma once
// The parameters of the workbench's jobs in the JSON form workspace.json keeps, so an
// interrupted job can be resumed after a restart: core's parameter structs with core's JSON
// for collections and training, the re-shard settings with their own.
#include "core/collect/collector.h"
#include "core/import/import_params.h"
#include "core/speculate/train.h"
#include "core/trace/reshard.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace specmoe::gui {

struct ReshardSettings {
    QString sourceDir;
    QString outputDir;
    ReshardOptions options;

    QJsonObject toJson() const;
    static ReshardSettings fromJson(const QJsonObject& o);
};

// Core's parameter JSON (core/collect/collect_params_json.h, core/speculate/params_json.h)
// as the object a JobSpec keeps in workspace.json. The readers also take the keys the
// workbench wrote before it used core's (pending jobs of an older workspace.json) and throw
// specmoe::Error naming the field at fault.
QJsonObject collectJobParams(const CollectParams& params);
CollectParams collectParamsOfJob(const QJsonObject& json);
QJsonObject trainJobParams(const speculate::TrainParams& params);
speculate::TrainParams trainParamsOfJob(const QJsonObject& json);
QJsonObject importJobParams(const import::ImportParams& params);
import::ImportParams importParamsOfJob(const QJsonObject& json);

// "1, 2" -> {1, 2}; returns false on anything but positive integers.
bool parseIntList(const QString& text, QVector<int>* out);
QString intListText(const QVector<int>& v);

} // namespace specmoe::gui
