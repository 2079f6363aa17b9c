<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>Jobs</name>
    <message>
        <location filename="../app/gui/jobs.cpp" line="48"/>
        <source>Collect %1</source>
        <translation>%1 sammeln</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="50"/>
        <source>Re-shard %1 into %2</source>
        <translation>%1 neu aufteilen nach %2</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="52"/>
        <source>Import %1</source>
        <translation>%1 importieren</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="54"/>
        <source>Train %1</source>
        <translation>%1 trainieren</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="56"/>
        <source>Analyze %1</source>
        <translation>%1 analysieren</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="58"/>
        <source>Evaluate %1 (%2 split)</source>
        <translation>%1 bewerten (%2-Aufteilung)</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="60"/>
        <source>Export %1</source>
        <translation>%1 exportieren</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="62"/>
        <source>Simulate %1</source>
        <translation>Simulieren: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="64"/>
        <source>Demo (quick)</source>
        <translation>Demo (schnell)</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="64"/>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="246"/>
        <source>%1: %2 sequences, %3 tokens written in %4 s (%5 tokens/s); %6 shards%7</source>
        <translation>%1: %2 Sequenzen, %3 Tokens in %4 s geschrieben (%5 Tokens/s); %6 Shards%7</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="253"/>
        <source>, not complete (resumable)</source>
        <translation>, nicht vollständig (fortsetzbar)</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/jobs.cpp" line="259"/>
        <source>skipped input: %n item(s), also listed in manifest.json (&quot;skipped&quot;)</source>
        <translation>
            <numerusform>übersprungene Eingabe: %n Element, auch in manifest.json aufgeführt („skipped“)</numerusform>
            <numerusform>übersprungene Eingaben: %n Elemente, auch in manifest.json aufgeführt („skipped“)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MaxTokensBox</name>
    <message>
        <location filename="../app/gui/token_limit_box.cpp" line="16"/>
        <source>All</source>
        <translation>Alle</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../widgets/export.cpp" line="47"/>
        <location filename="../widgets/report_writer.cpp" line="16"/>
        <source>Cannot create the folder %1</source>
        <translation>Der Ordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="69"/>
        <source>Invalid image size %1 x %2</source>
        <translation>Ungültige Bildgröße %1 x %2</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="73"/>
        <source>Invalid resolution %1 dpi</source>
        <translation>Ungültige Auflösung %1 dpi</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="94"/>
        <location filename="../widgets/export.cpp" line="113"/>
        <location filename="../widgets/export.cpp" line="119"/>
        <location filename="../widgets/export.cpp" line="136"/>
        <source>Cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="110"/>
        <source>SpecMoE Workbench export</source>
        <translation>SpecMoE-Workbench-Export</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="129"/>
        <source>SpecMoE Workbench</source>
        <translation>SpecMoE Workbench</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="148"/>
        <source>Unknown image format of %1 (use .png, .svg or .pdf)</source>
        <translation>Unbekanntes Bildformat von %1 (verwenden Sie .png, .svg oder .pdf)</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="155"/>
        <source>No plot to export</source>
        <translation>Kein Diagramm zum Exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="272"/>
        <location filename="../widgets/export.cpp" line="277"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="123"/>
        <location filename="../widgets/export_dialog.cpp" line="138"/>
        <location filename="../widgets/export_dialog.cpp" line="155"/>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../widgets/report_writer.cpp" line="20"/>
        <source>SpecMoE report</source>
        <translation>SpecMoE-Bericht</translation>
    </message>
    <message>
        <location filename="../widgets/expert_usage_stats.cpp" line="109"/>
        <location filename="../widgets/routing_pattern_stats.cpp" line="94"/>
        <source>All sources</source>
        <translation>Alle Quellen</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_set.cpp" line="50"/>
        <location filename="../widgets/token_journey_set.cpp" line="104"/>
        <source>#?</source>
        <translation>#?</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/token_journey_set.cpp" line="125"/>
        <source>Sequence %1 (%n token(s))</source>
        <translation>
            <numerusform>Sequenz %1 (%n Token)</numerusform>
            <numerusform>Sequenz %1 (%n Tokens)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/token_journey_set.cpp" line="126"/>
        <source>Sequence %1, %2 (%n token(s))</source>
        <translation>
            <numerusform>Sequenz %1, %2 (%n Token)</numerusform>
            <numerusform>Sequenz %1, %2 (%n Tokens)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_set.cpp" line="130"/>
        <source>: prompt %1 + generated %2</source>
        <translation>: Prompt %1 + generiert %2</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="46"/>
        <source>Top-1 hit rate</source>
        <translation>Top-1-Trefferquote</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="48"/>
        <source>Exact top-k set</source>
        <translation>Exakte Top-k-Menge</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="50"/>
        <source>Recall@%1</source>
        <translation>Recall@%1</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="52"/>
        <source>Log-loss (nats)</source>
        <translation>Log-Loss (nats)</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="54"/>
        <source>Calibration error (ECE)</source>
        <translation>Kalibrierungsfehler (ECE)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="49"/>
        <source>layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="50"/>
        <source>layer %1 (MoE layer %2)</source>
        <translation>Schicht %1 (MoE-Schicht %2)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="55"/>
        <source>Decoder layer (MoE layers only)</source>
        <translation>Decoder-Schicht (nur MoE-Schichten)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="55"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="78"/>
        <source>prefill</source>
        <translation>Prefill</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="80"/>
        <source>decode</source>
        <translation>Decode</translation>
    </message>
    <message>
        <location filename="../widgets/routed_text.cpp" line="83"/>
        <source>#? </source>
        <translation>#? </translation>
    </message>
</context>
<context>
    <name>SimulationSeries</name>
    <message>
        <location filename="../widgets/simulation_series.cpp" line="183"/>
        <source>no prefetch</source>
        <translation>kein Vorabladen</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_series.cpp" line="185"/>
        <source>oracle (true routing)</source>
        <translation>Orakel (wahres Routing)</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_series.cpp" line="201"/>
        <source>LRU</source>
        <translation>LRU</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_series.cpp" line="202"/>
        <source>LFU</source>
        <translation>LFU</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_series.cpp" line="203"/>
        <source>static hot set</source>
        <translation>statische Hot-Menge</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_series.cpp" line="204"/>
        <source>Belady (optimal)</source>
        <translation>Belady (optimal)</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="111"/>
        <location filename="../app/gui/workspace.cpp" line="390"/>
        <source>Shards</source>
        <translation>Shards</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="111"/>
        <location filename="../app/gui/workspace.cpp" line="389"/>
        <source>Sequences</source>
        <translation>Sequenzen</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="29"/>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="36"/>
        <source>%1 is not a JSON object: %2</source>
        <translation>%1 ist kein JSON-Objekt: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="97"/>
        <source>%1 split, %2 tokens: %3 recall@%4 %5 (frequency %6, Markov %7), horizon 1</source>
        <translation>%1-Aufteilung, %2 Tokens: %3 Recall@%4 %5 (Häufigkeit %6, Markov %7), Horizont 1</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="104"/>
        <source>unreadable report %1</source>
        <translation>unlesbarer Bericht %1</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="120"/>
        <source>%1 already holds a workspace.</source>
        <translation>%1 enthält bereits einen Arbeitsbereich.</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="125"/>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="146"/>
        <source>%1: field &quot;format&quot; is not &quot;specmoe-workspace&quot;.</source>
        <translation>%1: Das Feld „format“ ist nicht „specmoe-workspace“.</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="152"/>
        <source>%1: unsupported workspace version %2.</source>
        <translation>%1: Arbeitsbereich-Version %2 wird nicht unterstützt.</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="238"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="371"/>
        <source>no manifest yet</source>
        <translation>noch kein Manifest</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="379"/>
        <source>unreadable manifest</source>
        <translation>unlesbares Manifest</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="380"/>
        <location filename="../app/gui/workspace.cpp" line="482"/>
        <location filename="../app/gui/workspace.cpp" line="516"/>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="386"/>
        <source>%1 tokens</source>
        <translation>%1 Tokens</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="386"/>
        <source>%1 tokens, incomplete</source>
        <translation>%1 Tokens, unvollständig</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="388"/>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/workspace.cpp" line="390"/>
        <source>%n shards</source>
        <translation>
            <numerusform>%n Shard</numerusform>
            <numerusform>%n Shards</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="393"/>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="393"/>
        <location filename="../app/gui/workspace.cpp" line="485"/>
        <source>%1 layers × %2 experts, top-%3</source>
        <translation>%1 Schichten × %2 Experten, Top-%3</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="398"/>
        <source>Lookahead probes</source>
        <translation>Vorausschau-Sonden</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="402"/>
        <location filename="../app/gui/workspace.cpp" line="538"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="405"/>
        <source>Compute dtype</source>
        <translation>Rechen-Datentyp</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="411"/>
        <source>Sources</source>
        <translation>Quellen</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="412"/>
        <location filename="../app/gui/workspace.cpp" line="464"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="412"/>
        <source>complete</source>
        <translation>vollständig</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="412"/>
        <location filename="../app/gui/workspace.cpp" line="464"/>
        <source>incomplete (can be resumed)</source>
        <translation>unvollständig (kann fortgesetzt werden)</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="413"/>
        <location filename="../app/gui/workspace.cpp" line="465"/>
        <location filename="../app/gui/workspace.cpp" line="494"/>
        <location filename="../app/gui/workspace.cpp" line="558"/>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/workspace.cpp" line="430"/>
        <source>finished after %n epochs</source>
        <translation>
            <numerusform>beendet nach %n Epoche</numerusform>
            <numerusform>beendet nach %n Epochen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="430"/>
        <location filename="../app/gui/workspace.cpp" line="464"/>
        <source>finished</source>
        <translation>beendet</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="432"/>
        <source>incomplete, epoch %1</source>
        <translation>unvollständig, Epoche %1</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="432"/>
        <source>incomplete</source>
        <translation>unvollständig</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="434"/>
        <source>not started</source>
        <translation>nicht gestartet</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="437"/>
        <source>Best epoch</source>
        <translation>Beste Epoche</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="442"/>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="445"/>
        <source>Epochs done</source>
        <translation>Abgeschlossene Epochen</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="445"/>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="446"/>
        <source>Latest</source>
        <translation>Neueste</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="452"/>
        <source>Predictor</source>
        <translation>Prädiktor</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="452"/>
        <source>%1; horizon %2</source>
        <translation>%1; Horizont %2</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="458"/>
        <source>Trace sets</source>
        <translation>Trace-Sätze</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="461"/>
        <source>Latest evaluation</source>
        <translation>Letzte Bewertung</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="463"/>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="481"/>
        <source>missing or unreadable config.json</source>
        <translation>config.json fehlt oder ist unlesbar</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="486"/>
        <source>Architecture</source>
        <translation>Architektur</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="487"/>
        <source>Hidden size</source>
        <translation>Verborgene Größe</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="488"/>
        <source>Vocabulary</source>
        <translation>Vokabular</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="489"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="490"/>
        <source>Stored dtype</source>
        <translation>Gespeicherter Datentyp</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="491"/>
        <source>Weight files</source>
        <translation>Gewichtsdateien</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="492"/>
        <source>Tokenizer</source>
        <translation>Tokenizer</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="492"/>
        <source>none (token-id sources only)</source>
        <translation>keiner (nur Quellen mit Token-IDs)</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="507"/>
        <source>no result yet</source>
        <translation>noch kein Ergebnis</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="515"/>
        <source>unreadable simulation.json</source>
        <translation>simulation.json nicht lesbar</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/workspace.cpp" line="530"/>
        <source>%n setting(s)</source>
        <translation>
            <numerusform>%n Einstellung</numerusform>
            <numerusform>%n Einstellungen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="532"/>
        <source>, best closes %1% of the gap</source>
        <translation>, der beste schließt %1% der Lücke</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="534"/>
        <source>, a predictor beats the oracle</source>
        <translation>, ein Prädiktor schlägt das Orakel</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="535"/>
        <source>Replayed</source>
        <translation>Abgespielt</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="535"/>
        <source>%1 tokens of %2 sequences (%3 split), batch %4</source>
        <translation>%1 Tokens aus %2 Sequenzen (Teil %3), Batch %4</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="538"/>
        <source>%1, expert %2 MB (%3)</source>
        <translation>%1, Experte %2 MB (%3)</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="542"/>
        <source>Hardware</source>
        <translation>Hardware</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="549"/>
        <source>Predictors</source>
        <translation>Prädiktoren</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="551"/>
        <source>Best</source>
        <translation>Beste</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="551"/>
        <source>%1 at %2 experts per layer, %3 GB/s: %4 tokens/s (no prefetch %5, oracle %6)</source>
        <translation>%1 bei %2 Experten pro Schicht, %3 GB/s: %4 Tokens/s (ohne Vorabladen %5, Orakel %6)</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::CollectionDialog</name>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="69"/>
        <source>Automatic (fastest available)</source>
        <translation>Automatisch (schnellstes verfügbares)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="70"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="72"/>
        <source>GPU %1: %2</source>
        <translation>GPU %1: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="99"/>
        <source>New Collection</source>
        <translation>Neue Sammlung</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="103"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="106"/>
        <source>Folder with config.json and *.safetensors</source>
        <translation>Ordner mit config.json und *.safetensors</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="116"/>
        <source>Model folder:</source>
        <translation>Modellordner:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="118"/>
        <source>Tokenizer:</source>
        <translation>Tokenizer:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="121"/>
        <source>Corpus</source>
        <translation>Korpus</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="124"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="124"/>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="124"/>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="124"/>
        <source>Field / column</source>
        <translation>Feld / Spalte</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="124"/>
        <source>Weight</source>
        <translation>Gewicht</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="141"/>
        <source>Add files…</source>
        <translation>Dateien hinzufügen…</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="145"/>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="149"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="169"/>
        <source>The whole corpus</source>
        <translation>Das ganze Korpus</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="172"/>
        <location filename="../app/gui/collection_dialog.cpp" line="176"/>
        <source> tokens</source>
        <translation> Tokens</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="184"/>
        <source> bytes</source>
        <translation> Bytes</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="186"/>
        <source>Documents longer than this are skipped and counted as &quot;document-too-long&quot; in the source&apos;s statistics, so one huge line cannot exhaust the memory (the CLI&apos;s --max-doc-bytes).</source>
        <translation>Längere Dokumente werden übersprungen und in der Statistik der Quelle als „document-too-long“ gezählt, damit eine einzelne riesige Zeile nicht den Speicher erschöpfen kann (--max-doc-bytes der Kommandozeile).</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="192"/>
        <source>Target size:</source>
        <translation>Zielgröße:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="193"/>
        <source>Maximum sequence length:</source>
        <translation>Maximale Sequenzlänge:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="194"/>
        <source>Longest document:</source>
        <translation>Längstes Dokument:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="198"/>
        <source>Compute</source>
        <translation>Berechnung</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="204"/>
        <source>Automatic (bfloat16 on a GPU; float32 on a CPU without AMX-BF16)</source>
        <translation>Automatisch (bfloat16 auf einer GPU; float32 auf einer CPU ohne AMX-BF16)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="206"/>
        <source>bfloat16</source>
        <translation>bfloat16</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="207"/>
        <source>float16</source>
        <translation>float16</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="208"/>
        <source>float32 (exact, twice the memory)</source>
        <translation>float32 (exakt, doppelter Speicher)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="211"/>
        <source>Resident: all weights on one device</source>
        <translation>Resident: alle Gewichte auf einem Gerät</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="212"/>
        <source>Split: layers spread over the GPUs</source>
        <translation>Verteilt: Schichten über die GPUs verteilt</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="213"/>
        <source>Streaming: one layer at a time</source>
        <translation>Streaming: eine Schicht nach der anderen</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="217"/>
        <source> sequences</source>
        <translation> Sequenzen</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="218"/>
        <source>Automatic (measured: the fastest, within the free memory)</source>
        <translation>Automatisch (gemessen: die schnellste im freien Speicher)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="255"/>
        <source>Hidden-state features stored per token and layer (float16), a linear map of the layer&apos;s router input, for speculators that read the hidden state. Parts joined with &apos;+&apos;: gate_logits:D (the logits of the next D gates, D x experts values), pca:R (R principal directions estimated on the first batches), routers (the rows of every router, layers x experts values), full (the router input itself, hidden-size values: for studies on a sample of tokens). At Mixtral-8x7B dims (32 layers, 8 experts, hidden 4096) %1 adds %2 bytes per token. Empty: no features.</source>
        <translation>Hidden-State-Merkmale pro Token und Schicht (float16), eine lineare Abbildung der Router-Eingabe der Schicht, für Spekulatoren, die den versteckten Zustand lesen. Teile mit &apos;+&apos; verbunden: gate_logits:D (die Logits der nächsten D Gates, D x Experten Werte), pca:R (R Hauptrichtungen, geschätzt auf den ersten Batches), routers (die Zeilen jedes Routers, Schichten x Experten Werte), full (die Router-Eingabe selbst, Werte in der versteckten Größe: für Studien an einer Stichprobe von Tokens). Bei Mixtral-8x7B-Dimensionen (32 Schichten, 8 Experten, versteckte Größe 4096) fügt %1 %2 Bytes pro Token hinzu. Leer: keine Merkmale.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="397"/>
        <source>Pick a checkpoint folder in Hugging Face hub layout: Mixtral, Qwen2-MoE, Qwen3-MoE, OLMoE, DeepSeek-V2/V3 or gpt-oss (docs/models.md).</source>
        <translation>Wählen Sie einen Checkpoint-Ordner im Hugging-Face-Hub-Layout: Mixtral, Qwen2-MoE, Qwen3-MoE, OLMoE, DeepSeek-V2/V3 oder gpt-oss (docs/models.md).</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="423"/>
        <source>%1 layers</source>
        <translation>%1 Schichten</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="424"/>
        <source>%1 of %2 layers MoE</source>
        <translation>%1 von %2 Schichten MoE</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="425"/>
        <source>, a shared expert</source>
        <translation>, ein geteilter Experte</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/collection_dialog.cpp" line="427"/>
        <source>%1: %2 × %3 experts%4, top-%5 (%6); hidden size %7, vocabulary %8; %9; %n weight file(s).</source>
        <translation>
            <numerusform>%1: %2 × %3 Experten%4, Top-%5 (%6); verborgene Größe %7, Vokabular %8; %9; %n Gewichtsdatei.</numerusform>
            <numerusform>%1: %2 × %3 Experten%4, Top-%5 (%6); verborgene Größe %7, Vokabular %8; %9; %n Gewichtsdateien.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/collection_dialog.cpp" line="500"/>
        <source>automatic batch size: about %n sequence(s), measured when the run starts (the memory share allows %1)</source>
        <translation>
            <numerusform>automatische Batchgröße: etwa %n Sequenz, gemessen beim Start des Laufs (der Speicheranteil erlaubt %1)</numerusform>
            <numerusform>automatische Batchgröße: etwa %n Sequenzen, gemessen beim Start des Laufs (der Speicheranteil erlaubt %1)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="642"/>
        <source>The model folder has no tokenizer.model or tokenizer.json: choose a tokenizer, or use sources of token ids (jsonl-ids).</source>
        <translation>Der Modellordner enthält weder tokenizer.model noch tokenizer.json: Wählen Sie einen Tokenizer oder verwenden Sie Quellen mit Token-IDs (jsonl-ids).</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="229"/>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="109"/>
        <source>Tokenizer (*.model *.json);;All files (*)</source>
        <translation>Tokenizer (*.model *.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="110"/>
        <source>tokenizer.model or tokenizer.json of the model folder</source>
        <translation>tokenizer.model oder tokenizer.json des Modellordners</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="230"/>
        <source>Compute dtype:</source>
        <translation>Rechen-Datentyp:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="231"/>
        <source>Residency:</source>
        <translation>Residenz:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="232"/>
        <source>Batch size:</source>
        <translation>Batch-Größe:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="233"/>
        <source>Memory needed:</source>
        <translation>Benötigter Speicher:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="236"/>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="239"/>
        <source>e.g. mixtral-wiki-1M</source>
        <translation>z. B. mixtral-wiki-1M</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="246"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="249"/>
        <source>e.g. 1, 2 (empty: none)</source>
        <translation>z. B. 1, 2 (leer: keine)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="250"/>
        <source>Probe distances d: the gate of layer l+d applied to the hidden state of layer l.</source>
        <translation>Sondendistanzen d: das Gate der Schicht l+d, angewandt auf den verborgenen Zustand der Schicht l.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="253"/>
        <source>none (e.g. %1)</source>
        <translation>keine (z. B. %1)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="265"/>
        <source>build one (PCA on the first batches)</source>
        <translation>neu erstellen (PCA auf den ersten Batches)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="267"/>
        <source>Compute the features with the basis of another collection (its trace folder, an exported predictor folder or a feature_basis.safetensors file) instead of estimating a new one, so held-out traces hold the same features as the training traces. The features field may stay empty: the basis names its spec.</source>
        <translation>Die Merkmale mit der Basis einer anderen Sammlung berechnen (deren Trace-Ordner, ein exportierter Prädiktor-Ordner oder eine Datei feature_basis.safetensors), statt eine neue zu schätzen, damit zurückgehaltene Traces dieselben Merkmale enthalten wie die Trainings-Traces. Das Merkmalsfeld darf leer bleiben: die Basis nennt ihre Spezifikation.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="272"/>
        <source>Trace set name:</source>
        <translation>Name des Trace-Satzes:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="273"/>
        <source>Output folder:</source>
        <translation>Ausgabeordner:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="274"/>
        <source>Shard size:</source>
        <translation>Shard-Größe:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="275"/>
        <source>Lookahead probes:</source>
        <translation>Vorausschau-Sonden:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="276"/>
        <source>Hidden-state features:</source>
        <translation>Merkmale des verborgenen Zustands:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="277"/>
        <source>Feature basis from:</source>
        <translation>Merkmalsbasis aus:</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="366"/>
        <source>Add corpus files</source>
        <translation>Korpusdateien hinzufügen</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="367"/>
        <source>Corpus files (*.txt *.jsonl *.json *.csv *.tsv);;All files (*)</source>
        <translation>Korpusdateien (*.txt *.jsonl *.json *.csv *.tsv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="374"/>
        <source>Add a corpus folder</source>
        <translation>Korpusordner hinzufügen</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="400"/>
        <source>The model folder %1 does not exist.</source>
        <translation>Der Modellordner %1 existiert nicht.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="407"/>
        <source>%1 holds no *.safetensors weight files.</source>
        <translation>%1 enthält keine *.safetensors-Gewichtsdateien.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="418"/>
        <source>%1 B parameters</source>
        <translation>%1 Mrd. Parameter</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="419"/>
        <source>%1 M parameters</source>
        <translation>%1 Mio. Parameter</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="455"/>
        <source>Pick a model to see the estimate.</source>
        <translation>Wählen Sie ein Modell, um die Schätzung zu sehen.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="480"/>
        <source>free on the GPU</source>
        <translation>frei auf der GPU</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="483"/>
        <source>available memory</source>
        <translation>verfügbarer Speicher</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="508"/>
        <source>%1 (weights %2, activations %3)</source>
        <translation>%1 (Gewichte %2, Aktivierungen %3)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="510"/>
        <source>plus %1 of pinned host memory for streaming</source>
        <translation>zuzüglich %1 gesperrten Hostspeichers für Streaming</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="512"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="546"/>
        <source>The tokenizer %1 has a vocabulary of %2 tokens, more than the model&apos;s %3 (vocab_size in config.json): its token ids would not fit the model. Choose the model&apos;s own tokenizer.</source>
        <translation>Der Tokenizer %1 hat ein Vokabular von %2 Tokens, mehr als die %3 des Modells (vocab_size in config.json): Seine Token-IDs passen nicht zum Modell. Wählen Sie den Tokenizer des Modells.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="548"/>
        <source>The tokenizer %1 has a vocabulary of %2 tokens, but the model&apos;s vocab_size is %3; a SentencePiece tokenizer must match it. Choose the model&apos;s own tokenizer.</source>
        <translation>Der Tokenizer %1 hat ein Vokabular von %2 Tokens, die vocab_size des Modells ist aber %3; ein SentencePiece-Tokenizer muss ihr entsprechen. Wählen Sie den Tokenizer des Modells.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="552"/>
        <source>The tokenizer %1 cannot be read: %2</source>
        <translation>Der Tokenizer %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="617"/>
        <source>Choose the model folder.</source>
        <translation>Wählen Sie den Modellordner.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="619"/>
        <source>The model folder is not usable.</source>
        <translation>Der Modellordner ist nicht verwendbar.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="621"/>
        <source>Add at least one corpus source.</source>
        <translation>Fügen Sie mindestens eine Korpusquelle hinzu.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="628"/>
        <source>Source %1 has no name.</source>
        <translation>Quelle %1 hat keinen Namen.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="630"/>
        <source>Two sources are named &quot;%1&quot;; names must be unique.</source>
        <translation>Zwei Quellen heißen „%1“; Namen müssen eindeutig sein.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="633"/>
        <source>The path of source &quot;%1&quot; does not exist: %2</source>
        <translation>Der Pfad der Quelle „%1“ existiert nicht: %2</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="635"/>
        <source>The weight of source &quot;%1&quot; must be positive.</source>
        <translation>Das Gewicht der Quelle „%1“ muss positiv sein.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="640"/>
        <source>The tokenizer file %1 does not exist.</source>
        <translation>Die Tokenizer-Datei %1 existiert nicht.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="651"/>
        <source>The maximum sequence length of %1 tokens exceeds the model&apos;s %2 positions (max_position_embeddings): lower it to %2 or less.</source>
        <translation>Die maximale Sequenzlänge von %1 Tokens übersteigt die %2 Positionen des Modells (max_position_embeddings): Senken Sie sie auf %2 oder weniger.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="658"/>
        <source>Lookahead probes must be positive whole numbers separated by commas, e.g. 1, 2.</source>
        <translation>Vorausschau-Sonden müssen positive ganze Zahlen sein, durch Kommas getrennt, z. B. 1, 2.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="661"/>
        <source>A lookahead probe distance of %1 needs more than %2 layers.</source>
        <translation>Eine Vorausschau-Distanz von %1 erfordert mehr als %2 Schichten.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="667"/>
        <source>Hidden-state features: %1</source>
        <translation>Merkmale des verborgenen Zustands: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="672"/>
        <source>The feature basis %1 does not exist.</source>
        <translation>Die Merkmalsbasis %1 existiert nicht.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="675"/>
        <source>Split residency spreads layers over GPUs; this machine has none.</source>
        <translation>Die Residenz „Verteilt“ verteilt Schichten auf GPUs; dieser Rechner hat keine.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="677"/>
        <source>Split residency needs a GPU device.</source>
        <translation>Die Residenz „Verteilt“ benötigt ein GPU-Gerät.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="680"/>
        <source>Choose a name or an output folder for the trace set.</source>
        <translation>Wählen Sie einen Namen oder einen Ausgabeordner für den Trace-Satz.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="682"/>
        <source>The output %1 is a file, not a folder.</source>
        <translation>Die Ausgabe %1 ist eine Datei, kein Ordner.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="684"/>
        <source>The output folder already holds a trace set: the collection will resume it if the settings match.</source>
        <translation>Der Ausgabeordner enthält bereits einen Trace-Satz: Die Sammlung setzt ihn fort, wenn die Einstellungen übereinstimmen.</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="686"/>
        <source>The estimate exceeds the memory available: lower the batch size or the sequence length, or choose streaming residency.</source>
        <translation>Die Schätzung übersteigt den verfügbaren Speicher: Verringern Sie die Batch-Größe oder die Sequenzlänge, oder wählen Sie die Residenz „Streaming“.</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::EvaluateDialog</name>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="36"/>
        <source>%1: best checkpoint of epoch %2; models %3; horizon %4.</source>
        <translation>%1: bester Checkpoint aus Epoche %2; Modelle %3; Horizont %4.</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="60"/>
        <source>%1 has no best checkpoint yet: it is written at the end of the first epoch.</source>
        <translation>%1 hat noch keinen besten Checkpoint: Er wird am Ende der ersten Epoche geschrieben.</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="69"/>
        <source>Evaluate a Predictor</source>
        <translation>Prädiktor bewerten</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="74"/>
        <source>Predictor</source>
        <translation>Prädiktor</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="78"/>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="82"/>
        <source>%1 (trained on)</source>
        <translation>%1 (Trainingsdaten)</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="93"/>
        <source>Test (never seen in training or model selection)</source>
        <translation>Test (weder im Training noch bei der Modellauswahl gesehen)</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="94"/>
        <source>Validation (chose the best epoch)</source>
        <translation>Validierung (wählte die beste Epoche)</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="95"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="96"/>
        <source>All sequences</source>
        <translation>Alle Sequenzen</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="103"/>
        <source>Trace set:</source>
        <translation>Trace-Satz:</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="105"/>
        <source>Split:</source>
        <translation>Aufteilung:</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="106"/>
        <source>Tokens scored at most:</source>
        <translation>Höchstens bewertete Tokens:</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="108"/>
        <source>Run</source>
        <translation>Ausführung</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="114"/>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="165"/>
        <source>Choose the trace set to score the predictor on.</source>
        <translation>Wählen Sie den Trace-Satz, auf dem der Prädiktor bewertet wird.</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="168"/>
        <source>%1 is not a trace set (no manifest.json).</source>
        <translation>%1 ist kein Trace-Satz (keine manifest.json).</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="170"/>
        <source>Not the trace set this run was trained on: the baselines still use the training statistics, and the traces must come from the same model.</source>
        <translation>Nicht der Trace-Satz, auf dem dieser Lauf trainiert wurde: Die Baselines nutzen weiter die Trainingsstatistik, und die Traces müssen vom selben Modell stammen.</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::ExportPredictorDialog</name>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="178"/>
        <source>Export a Predictor</source>
        <translation>Prädiktor exportieren</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="180"/>
        <source>Predictor</source>
        <translation>Prädiktor</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="182"/>
        <source>Writes predictor.safetensors and config.json (layout in docs/speculation.md); docs/load_predictor.py loads and runs them with PyTorch.</source>
        <translation>Schreibt predictor.safetensors und config.json (Aufbau in docs/speculation.md); docs/load_predictor.py lädt und führt sie mit PyTorch aus.</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="191"/>
        <source>Output folder:</source>
        <translation>Ausgabeordner:</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="224"/>
        <source>Choose the output folder.</source>
        <translation>Wählen Sie den Ausgabeordner.</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="227"/>
        <source>Choose a folder outside the run: the run&apos;s own checkpoints live there.</source>
        <translation>Wählen Sie einen Ordner außerhalb des Laufs: Dort liegen seine eigenen Checkpoints.</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="230"/>
        <source>The folder already holds a predictor; it will be replaced.</source>
        <translation>Der Ordner enthält bereits einen Prädiktor; er wird ersetzt.</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="233"/>
        <source>The folder holds a config.json that is not a predictor&apos;s: choose another folder (%1).</source>
        <translation>Der Ordner enthält eine config.json, die nicht zu einem Prädiktor gehört: Wählen Sie einen anderen Ordner (%1).</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::ImportDialog</name>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="45"/>
        <source>Import Traces</source>
        <translation>Traces importieren</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="48"/>
        <source>Input</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="51"/>
        <source>vLLM (import bundle .npz)</source>
        <translation>vLLM (Import-Bundle .npz)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="52"/>
        <source>SGLang (import bundle .npz)</source>
        <translation>SGLang (Import-Bundle .npz)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="53"/>
        <source>Megatron-Core (router_trace_rank*.jsonl, or a bundle)</source>
        <translation>Megatron-Core (router_trace_rank*.jsonl oder ein Bundle)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="54"/>
        <source>NumPy arrays (.npz or a folder of .npy)</source>
        <translation>NumPy-Arrays (.npz oder ein Ordner mit .npy)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="62"/>
        <source>Add Files…</source>
        <translation>Dateien hinzufügen…</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="63"/>
        <source>Add Folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="64"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="75"/>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="77"/>
        <source>Files:</source>
        <translation>Dateien:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="79"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="82"/>
        <source>Model configuration (*.json)</source>
        <translation>Modellkonfiguration (*.json)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="83"/>
        <source>the model&apos;s config.json (bundles carry it)</source>
        <translation>config.json des Modells (Bundles enthalten sie)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="87"/>
        <location filename="../app/gui/import_dialog.cpp" line="94"/>
        <location filename="../app/gui/import_dialog.cpp" line="98"/>
        <source>From the configuration</source>
        <translation>Aus der Konfiguration</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="90"/>
        <source>from the configuration, e.g. 3-60</source>
        <translation>aus der Konfiguration, z. B. 3-60</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="100"/>
        <source>Configuration:</source>
        <translation>Konfiguration:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="101"/>
        <source>Routed experts:</source>
        <translation>Geroutete Experten:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="102"/>
        <source>MoE layers:</source>
        <translation>MoE-Schichten:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="103"/>
        <source>Decoder layers:</source>
        <translation>Decoder-Schichten:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="104"/>
        <source>Shared experts:</source>
        <translation>Geteilte Experten:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="106"/>
        <source>Options</source>
        <translation>Optionen</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="109"/>
        <source>Decide from the model (MoE or all decoder layers)</source>
        <translation>Nach dem Modell entscheiden (MoE- oder alle Decoder-Schichten)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="110"/>
        <source>One slot per MoE layer</source>
        <translation>Ein Slot je MoE-Schicht</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="111"/>
        <source>One slot per decoder layer</source>
        <translation>Ein Slot je Decoder-Schicht</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="112"/>
        <source>Drop tokens whose routing is marked missing (-1)</source>
        <translation>Tokens verwerfen, deren Routing als fehlend (-1) markiert ist</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="116"/>
        <source>as the input says</source>
        <translation>wie in der Eingabe angegeben</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="119"/>
        <source>Match the model&apos;s MoE layers</source>
        <translation>An die MoE-Schichten des Modells anpassen</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="120"/>
        <source>0-based decoder indices (hook path)</source>
        <translation>0-basierte Decoder-Indizes (Hook-Pfad)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="121"/>
        <source>1-based layer numbers (routing replay)</source>
        <translation>1-basierte Schichtnummern (Routing-Replay)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="125"/>
        <source>One sequence per router call</source>
        <translation>Eine Sequenz je Router-Aufruf</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="127"/>
        <source>Layer axis:</source>
        <translation>Schichtachse:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="129"/>
        <source>Engine version:</source>
        <translation>Engine-Version:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="130"/>
        <source>Megatron layer numbers:</source>
        <translation>Megatron-Schichtnummern:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="131"/>
        <source>Megatron micro-batch:</source>
        <translation>Megatron-Micro-Batch:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="133"/>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="136"/>
        <source>Replace a different trace set already in the folder</source>
        <translation>Einen anderen Trace-Satz im Ordner ersetzen</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="139"/>
        <source>Trace set folder:</source>
        <translation>Trace-Satz-Ordner:</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="171"/>
        <source>Bundles saved with the snippet of docs/trace-import.md from the engine&apos;s request outputs; they carry the model&apos;s configuration.</source>
        <translation>Bundles, die mit dem Snippet aus docs/trace-import.md aus den Anfrageausgaben der Engine gespeichert wurden; sie enthalten die Konfiguration des Modells.</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="174"/>
        <source>The folder given to --moe-routing-trace-path (or its JSONL files); no token ids. A .npz is a bundle of the inference engine&apos;s requests.</source>
        <translation>Der an --moe-routing-trace-path übergebene Ordner (oder seine JSONL-Dateien); keine Token-IDs. Eine .npz ist ein Bundle der Anfragen der Inferenz-Engine.</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="177"/>
        <source>expert_ids [N, layers, k], token_ids [N], seq_lens [S]; optional weights, prompt_lens, request_ids.</source>
        <translation>expert_ids [N, Schichten, k], token_ids [N], seq_lens [S]; optional weights, prompt_lens, request_ids.</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="185"/>
        <source>Add Files</source>
        <translation>Dateien hinzufügen</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="185"/>
        <source>Routing traces (*.npz *.npy *.jsonl);;All files (*)</source>
        <translation>Routing-Traces (*.npz *.npy *.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="191"/>
        <source>Add Folder</source>
        <translation>Ordner hinzufügen</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="267"/>
        <source>Add the files or folders to import.</source>
        <translation>Fügen Sie die zu importierenden Dateien oder Ordner hinzu.</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="270"/>
        <source>%1 does not exist.</source>
        <translation>%1 existiert nicht.</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="273"/>
        <source>The model configuration %1 is not a file.</source>
        <translation>Die Modellkonfiguration %1 ist keine Datei.</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="276"/>
        <source>MoE layers: &quot;%1&quot; is not a list of ascending layer indices or ranges such as 3-60.</source>
        <translation>MoE-Schichten: „%1“ ist keine Liste aufsteigender Schichtindizes oder Bereiche wie 3-60.</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="287"/>
        <source>Give the number of routed experts or the model&apos;s config.json: these inputs do not carry it.</source>
        <translation>Geben Sie die Zahl der gerouteten Experten oder die config.json des Modells an: Diese Eingaben enthalten sie nicht.</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="291"/>
        <source>Choose the output folder.</source>
        <translation>Wählen Sie den Ausgabeordner.</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="294"/>
        <source>The output folder holds a trace set: the same import continues it; another one needs &quot;Replace&quot;.</source>
        <translation>Der Ausgabeordner enthält bereits einen Trace-Satz: Derselbe Import setzt ihn fort; ein anderer erfordert „Ersetzen“.</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::MainWindow</name>
    <message>
        <location filename="../app/gui/main_window.cpp" line="129"/>
        <source>Routing</source>
        <translation>Routing</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="138"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="146"/>
        <source>Simulation</source>
        <translation>Simulation</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="168"/>
        <source>Analysing the routing of this trace set…</source>
        <translation>Das Routing dieses Trace-Satzes wird analysiert…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="172"/>
        <source>The routing analysis of this trace set failed:
%1</source>
        <translation>Die Routing-Analyse dieses Trace-Satzes ist fehlgeschlagen:
%1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="185"/>
        <source>The routing analysis was cancelled: close this tab and open the trace set again to rerun it.</source>
        <translation>Die Routing-Analyse wurde abgebrochen: Schließen Sie diesen Tab und öffnen Sie den Trace-Satz erneut, um sie neu zu starten.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="197"/>
        <source>&amp;New Workspace…</source>
        <translation>&amp;Neuer Arbeitsbereich…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="200"/>
        <source>&amp;Open Workspace…</source>
        <translation>Arbeitsbereich ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="203"/>
        <source>Open &amp;Demo Workspace</source>
        <translation>&amp;Demo-Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="206"/>
        <source>&amp;Close Workspace</source>
        <translation>Arbeitsbereich &amp;schließen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="208"/>
        <source>Add &amp;Model…</source>
        <translation>&amp;Modell hinzufügen…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="210"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="213"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="218"/>
        <source>New &amp;Collection…</source>
        <translation>Neue &amp;Sammlung…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="221"/>
        <source>Collect routing traces of a model on a corpus</source>
        <translation>Routing-Traces eines Modells auf einem Korpus sammeln</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="223"/>
        <source>&amp;Re-shard Trace Set…</source>
        <translation>Trace-Satz neu &amp;aufteilen…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="225"/>
        <source>Rewrite a trace set with another shard size</source>
        <translation>Einen Trace-Satz mit anderer Shard-Größe neu schreiben</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="227"/>
        <source>&amp;Import Traces…</source>
        <translation>Traces &amp;importieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="229"/>
        <source>Import routing traces from vLLM, SGLang, Megatron-Core or NumPy arrays</source>
        <translation>Routing-Traces aus vLLM, SGLang, Megatron-Core oder NumPy-Arrays importieren</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="231"/>
        <source>New &amp;Training…</source>
        <translation>Neues &amp;Training…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="234"/>
        <source>Train expert predictors on trace sets</source>
        <translation>Experten-Prädiktoren auf Trace-Sätzen trainieren</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="236"/>
        <source>&amp;Evaluate Predictor…</source>
        <translation>Prädiktor &amp;bewerten…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="238"/>
        <source>Score the selected run&apos;s best predictor and the baselines on the test split</source>
        <translation>Den besten Prädiktor des gewählten Laufs und die Baselines auf der Testaufteilung bewerten</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="240"/>
        <source>E&amp;xport Predictor…</source>
        <translation>Prädiktor e&amp;xportieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="242"/>
        <source>Write the selected run&apos;s best predictor for an inference engine</source>
        <translation>Den besten Prädiktor des gewählten Laufs für eine Inferenz-Engine schreiben</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="245"/>
        <source>&amp;Simulate Expert Cache…</source>
        <translation>Experten-Cache &amp;simulieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="247"/>
        <source>Replay trace sets through an offloading engine&apos;s expert cache: what a predictor&apos;s prefetching buys in hit rate and tokens/s</source>
        <translation>Trace-Sätze durch den Experten-Cache einer Offloading-Engine abspielen: was das Vorabladen eines Prädiktors an Trefferquote und Tokens/s bringt</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="251"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="255"/>
        <source>&amp;About SpecMoE Workbench</source>
        <translation>&amp;Über SpecMoE Workbench</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="275"/>
        <source>Workspace</source>
        <translation>Arbeitsbereich</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="301"/>
        <source>Jobs</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="307"/>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="315"/>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="327"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="330"/>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="341"/>
        <source>&amp;Run</source>
        <translation>A&amp;usführen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="352"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="358"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="361"/>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="393"/>
        <source>Device: CPU, %n threads</source>
        <translation>
            <numerusform>Gerät: CPU, %n Thread</numerusform>
            <numerusform>Gerät: CPU, %n Threads</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="397"/>
        <source>Device: %1 (%2)</source>
        <translation>Gerät: %1 (%2)</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="398"/>
        <source>Devices: %n GPUs (%1, %2 each)</source>
        <translation>
            <numerusform>Geräte: %n GPU (%1, je %2)</numerusform>
            <numerusform>Geräte: %n GPUs (%1, je %2)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="425"/>
        <source>%1 — SpecMoE Workbench</source>
        <translation>%1 — SpecMoE Workbench</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="426"/>
        <source>SpecMoE Workbench</source>
        <translation>SpecMoE Workbench</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="428"/>
        <source>No workspace open</source>
        <translation>Kein Arbeitsbereich geöffnet</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="437"/>
        <source>No jobs running</source>
        <translation>Keine laufenden Aufträge</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="440"/>
        <source>%n job(s) running</source>
        <translation>
            <numerusform>%n Auftrag läuft</numerusform>
            <numerusform>%n Aufträge laufen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="442"/>
        <source>%n queued</source>
        <translation>
            <numerusform>%n wartend</numerusform>
            <numerusform>%n wartend</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/application.cpp" line="67"/>
        <location filename="../app/gui/main_window.cpp" line="642"/>
        <location filename="../app/gui/main_window.cpp" line="688"/>
        <location filename="../app/gui/main_window.cpp" line="1153"/>
        <source>Open Workspace</source>
        <translation>Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="660"/>
        <source>Not finished in an earlier session; it can be resumed.</source>
        <translation>In einer früheren Sitzung nicht beendet; kann fortgesetzt werden.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="668"/>
        <source>Choose an Empty Folder for the New Workspace</source>
        <translation>Leeren Ordner für den neuen Arbeitsbereich wählen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="672"/>
        <location filename="../app/gui/main_window.cpp" line="678"/>
        <source>New Workspace</source>
        <translation>Neuer Arbeitsbereich</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="672"/>
        <source>Workspace name:</source>
        <translation>Name des Arbeitsbereichs:</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="683"/>
        <source>Open Workspace Folder</source>
        <translation>Arbeitsbereichsordner öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="698"/>
        <location filename="../app/gui/main_window.cpp" line="701"/>
        <location filename="../app/gui/main_window.cpp" line="721"/>
        <source>Demo Workspace</source>
        <translation>Demo-Arbeitsbereich</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="702"/>
        <source>The demo builds a small corpus from text on this machine, trains a tokenizer and a small Mixture-of-Experts model on the CPU, collects its routing and trains expert predictors. Nothing is downloaded. It runs as a job; the workspace fills when it finishes.</source>
        <translation>Die Demo stellt aus Texten auf diesem Rechner ein kleines Korpus zusammen, trainiert einen Tokenizer und ein kleines Mixture-of-Experts-Modell auf der CPU, sammelt sein Routing und trainiert Experten-Prädiktoren. Es wird nichts heruntergeladen. Sie läuft als Auftrag; der Arbeitsbereich füllt sich, wenn sie fertig ist.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="706"/>
        <source>Quick (about a minute)</source>
        <translation>Schnell (etwa eine Minute)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="707"/>
        <source>Full (about 10 minutes)</source>
        <translation>Vollständig (etwa 10 Minuten)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="478"/>
        <location filename="../app/gui/main_window.cpp" line="719"/>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="475"/>
        <source>%1 is neither a workspace nor a demo folder.</source>
        <translation>%1 ist weder ein Arbeitsbereich noch ein Demo-Ordner.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="602"/>
        <source>%1 holds no *.safetensors weight files.</source>
        <translation>%1 enthält keine *.safetensors-Gewichtsdateien.</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="742"/>
        <source>Choose a Model Folder</source>
        <translation>Modellordner wählen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="745"/>
        <source>Add Model</source>
        <translation>Modell hinzufügen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="746"/>
        <source>%1 is not a model folder (config.json and *.safetensors weights).

%2</source>
        <translation>%1 ist kein Modellordner (config.json und *.safetensors-Gewichte).

%2</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="919"/>
        <source>Finished: %1</source>
        <translation>Beendet: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="921"/>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1043"/>
        <source>Run folder in use</source>
        <translation>Lauf-Ordner belegt</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1044"/>
        <source>Continue</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1045"/>
        <source>Start Over</source>
        <translation>Neu beginnen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1132"/>
        <source>About SpecMoE Workbench</source>
        <translation>Über SpecMoE Workbench</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1133"/>
        <source>&lt;h3&gt;SpecMoE Workbench %1&lt;/h3&gt;&lt;p&gt;Collect the expert routing of Mixture-of-Experts models, analyse it, and train predictors that tell an inference engine which experts tokens will need.&lt;/p&gt;&lt;p&gt;libtorch %2 · HDF5 %3 · Qt %4&lt;/p&gt;</source>
        <translation>&lt;h3&gt;SpecMoE Workbench %1&lt;/h3&gt;&lt;p&gt;Zeichnen Sie das Experten-Routing von Mixture-of-Experts-Modellen auf, analysieren Sie es und trainieren Sie Prädiktoren, die einer Inferenz-Engine sagen, welche Experten Tokens brauchen werden.&lt;/p&gt;&lt;p&gt;libtorch %2 · HDF5 %3 · Qt %4&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1163"/>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1236"/>
        <source>Open Summary</source>
        <translation>Übersicht öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1238"/>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1241"/>
        <source>Train on This Trace Set…</source>
        <translation>Mit diesem Trace-Satz trainieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1243"/>
        <source>Re-shard…</source>
        <translation>Neu aufteilen…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1244"/>
        <source>Simulate an Expert Cache on It…</source>
        <translation>Experten-Cache darauf simulieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1248"/>
        <source>Evaluate on the Test Split…</source>
        <translation>Auf der Testaufteilung bewerten…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1250"/>
        <source>Export Predictor…</source>
        <translation>Prädiktor exportieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1252"/>
        <source>Simulate Its Prefetching…</source>
        <translation>Sein Vorabladen simulieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1256"/>
        <source>Remove from Workspace</source>
        <translation>Aus dem Arbeitsbereich entfernen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1261"/>
        <source>Show Folder</source>
        <translation>Ordner anzeigen</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1298"/>
        <source>Jobs Are Running</source>
        <translation>Aufträge laufen</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="1299"/>
        <source>%n job(s) are still running or queued. Cancel them and quit? Collections and training runs can be resumed from the workspace later.</source>
        <translation>
            <numerusform>%n Auftrag läuft noch oder wartet. Abbrechen und beenden? Sammlungen und Trainingsläufe können später im Arbeitsbereich fortgesetzt werden.</numerusform>
            <numerusform>%n Aufträge laufen noch oder warten. Abbrechen und beenden? Sammlungen und Trainingsläufe können später im Arbeitsbereich fortgesetzt werden.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>specmoe::gui::PathEdit</name>
    <message>
        <location filename="../app/gui/path_edit.cpp" line="25"/>
        <location filename="../app/gui/path_edit.cpp" line="28"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../app/gui/path_edit.cpp" line="60"/>
        <source>Choose a file</source>
        <translation>Datei wählen</translation>
    </message>
    <message>
        <location filename="../app/gui/path_edit.cpp" line="62"/>
        <source>Choose a folder</source>
        <translation>Ordner wählen</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::ReshardDialog</name>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="24"/>
        <source>Re-shard a Trace Set</source>
        <translation>Trace-Satz neu aufteilen</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="27"/>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="38"/>
        <source>Trace set:</source>
        <translation>Trace-Satz:</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="41"/>
        <source>Destination</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="48"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="52"/>
        <location filename="../app/gui/reshard_dialog.cpp" line="57"/>
        <source>Keep the source&apos;s</source>
        <translation>Wie in der Quelle</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="58"/>
        <source>Replace a trace set already in the destination</source>
        <translation>Einen Trace-Satz im Ziel ersetzen</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="61"/>
        <source>Output folder:</source>
        <translation>Ausgabeordner:</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="62"/>
        <source>Shard size:</source>
        <translation>Shard-Größe:</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="63"/>
        <source>Deflate level:</source>
        <translation>Deflate-Stufe:</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="64"/>
        <source>Chunk size (tokens):</source>
        <translation>Chunk-Größe (Tokens):</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="153"/>
        <source>Choose the trace set to re-shard.</source>
        <translation>Wählen Sie den Trace-Satz, der neu aufgeteilt werden soll.</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="155"/>
        <source>%1 is not a trace set (no manifest.json).</source>
        <translation>%1 ist kein Trace-Satz (keine manifest.json).</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="157"/>
        <source>Choose the output folder.</source>
        <translation>Wählen Sie den Ausgabeordner.</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="159"/>
        <source>The output folder must differ from the source.</source>
        <translation>Der Ausgabeordner muss sich von der Quelle unterscheiden.</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="161"/>
        <source>The output folder already holds a trace set; tick &quot;Replace&quot; to overwrite it.</source>
        <translation>Der Ausgabeordner enthält bereits einen Trace-Satz; kreuzen Sie „Ersetzen“ an, um ihn zu überschreiben.</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::SettingsDialog</name>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="54"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="57"/>
        <source>Compute</source>
        <translation>Berechnung</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="61"/>
        <source>All cores (%1)</source>
        <translation>Alle Kerne (%1)</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="65"/>
        <source>Each job&apos;s default</source>
        <translation>Voreinstellung des jeweiligen Auftrags</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="70"/>
        <source>CPU threads:</source>
        <translation>CPU-Threads:</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="71"/>
        <source>Default device:</source>
        <translation>Standardgerät:</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="72"/>
        <source>Jobs at the same time:</source>
        <translation>Gleichzeitige Aufträge:</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="74"/>
        <source>Appearance</source>
        <translation>Darstellung</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="77"/>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="84"/>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="85"/>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="86"/>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="88"/>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="89"/>
        <source>Theme:</source>
        <translation>Design:</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="128"/>
        <source>The new language applies after the workbench restarts.</source>
        <translation>Die neue Sprache gilt nach einem Neustart der Workbench.</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::SimulationDialog</name>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="92"/>
        <source>Simulate an Expert Cache</source>
        <translation>Experten-Cache simulieren</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="96"/>
        <source>Traces</source>
        <translation>Traces</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="105"/>
        <source>Test (what no predictor trained or chose its epoch on)</source>
        <translation>Test (worauf kein Prädiktor trainiert oder seine Epoche gewählt hat)</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="106"/>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="107"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="108"/>
        <source>All sequences</source>
        <translation>Alle Sequenzen</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="116"/>
        <source>Sequences decoded together: a layer needs the union of their experts</source>
        <translation>Gemeinsam dekodierte Sequenzen: eine Schicht braucht die Vereinigung ihrer Experten</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="119"/>
        <source>Trace sets:</source>
        <translation>Trace-Sätze:</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="120"/>
        <source>Split:</source>
        <translation>Aufteilung:</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="121"/>
        <source>Batch (sequences):</source>
        <translation>Batch (Sequenzen):</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="122"/>
        <source>Tokens replayed at most:</source>
        <translation>Höchstens abgespielte Tokens:</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="125"/>
        <source>Engine</source>
        <translation>Engine</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="128"/>
        <source>The traces&apos; model</source>
        <translation>Das Modell der Traces</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="130"/>
        <source>Preset: %1</source>
        <translation>Voreinstellung: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="132"/>
        <source>Folder: %1</source>
        <translation>Ordner: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="148"/>
        <source>From the hardware profile</source>
        <translation>Aus dem Hardwareprofil</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="150"/>
        <source>Measured here: our runtime on %1</source>
        <translation>Hier gemessen: unsere Laufzeit auf %1</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="152"/>
        <source>Times one decode step of the batch through the checkpoint&apos;s forward pass on the device below, before the replay, and uses its time per layer.</source>
        <translation>Misst vor der Wiedergabe einen Decode-Schritt des Batches durch den Vorwärtsdurchlauf des Checkpoints auf dem Gerät unten und verwendet dessen Zeit pro Schicht.</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="154"/>
        <source>half the experts</source>
        <translation>die Hälfte der Experten</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="155"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="157"/>
        <source>LRU</source>
        <translation>LRU</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="157"/>
        <source>LFU</source>
        <translation>LFU</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="157"/>
        <source>Static hot set</source>
        <translation>Statische Hot-Menge</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="157"/>
        <source>Belady (optimal)</source>
        <translation>Belady (optimal)</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="166"/>
        <source>Keep prefetched experts until their layer has run</source>
        <translation>Vorab geladene Experten behalten, bis ihre Schicht gelaufen ist</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="169"/>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="170"/>
        <source>Expert storage:</source>
        <translation>Speicherung der Experten:</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="171"/>
        <source>Hardware:</source>
        <translation>Hardware:</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="173"/>
        <source>Compute time per layer:</source>
        <translation>Rechenzeit pro Schicht:</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="174"/>
        <source>Cache sizes (experts per layer):</source>
        <translation>Cache-Größen (Experten pro Schicht):</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="175"/>
        <source>Cache budgets (GB):</source>
        <translation>Cache-Budgets (GB):</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="176"/>
        <source>Replacement:</source>
        <translation>Verdrängung:</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="180"/>
        <source>Prefetching</source>
        <translation>Vorabladen</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="186"/>
        <source>no prefetch (lower bound)</source>
        <translation>kein Vorabladen (untere Schranke)</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="187"/>
        <source>oracle: the true routing (upper bound for prediction)</source>
        <translation>Orakel: das wahre Routing (obere Schranke der Vorhersage)</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="193"/>
        <source>baseline: %1</source>
        <translation>Vergleichsverfahren: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="197"/>
        <source>trained run: %1</source>
        <translation>trainierter Lauf: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="199"/>
        <source>top-k of the model</source>
        <translation>Top-k des Modells</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="200"/>
        <source>the hardware&apos;s link</source>
        <translation>die Verbindung der Hardware</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="206"/>
        <source>Predictors:</source>
        <translation>Prädiktoren:</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="207"/>
        <source>Horizons h (layers ahead):</source>
        <translation>Horizonte h (Schichten voraus):</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="208"/>
        <source>Budgets m (experts per layer):</source>
        <translation>Budgets m (Experten pro Schicht):</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="209"/>
        <source>Link bandwidths (GB/s):</source>
        <translation>Bandbreiten der Verbindung (GB/s):</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="210"/>
        <source>Where trained runs predict, and where the compute time per layer is measured</source>
        <translation>Wo trainierte Läufe vorhersagen und wo die Rechenzeit pro Schicht gemessen wird</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="211"/>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="213"/>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="219"/>
        <source>Folder (simulation.json, simulation.csv):</source>
        <translation>Ordner (simulation.json, simulation.csv):</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="269"/>
        <source>link %1 GB/s, %2 µs per transfer; GPU memory %3 GB/s, %4 TFLOPS</source>
        <translation>Verbindung %1 GB/s, %2 µs pro Übertragung; GPU-Speicher %3 GB/s, %4 TFLOPS</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="343"/>
        <source>The size of an expert is unknown for the traces&apos; model (%1): under Model, choose a preset or a model folder of the workspace.</source>
        <translation>Die Größe eines Experten ist für das Modell der Traces (%1) unbekannt: Wählen Sie unter „Modell“ eine Voreinstellung oder einen Modellordner des Arbeitsbereichs.</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="345"/>
        <source>unnamed</source>
        <translation>unbenannt</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="352"/>
        <source>Choose the trace sets to replay.</source>
        <translation>Wählen Sie die abzuspielenden Trace-Sätze.</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="355"/>
        <source>%1 is not a trace set (no manifest.json).</source>
        <translation>%1 ist kein Trace-Satz (keine manifest.json).</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="361"/>
        <source>Cache sizes: whole numbers of experts per layer, separated by commas.</source>
        <translation>Cache-Größen: ganze Zahlen von Experten pro Schicht, durch Kommas getrennt.</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="363"/>
        <source>Cache budgets: numbers of GB above 0, separated by commas.</source>
        <translation>Cache-Budgets: GB-Zahlen über 0, durch Kommas getrennt.</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="368"/>
        <source>Choose at least one replacement policy.</source>
        <translation>Wählen Sie mindestens eine Verdrängungsstrategie.</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="370"/>
        <source>Horizons: one or more whole numbers of layers ahead (1 = the next layer).</source>
        <translation>Horizonte: eine oder mehrere ganze Zahlen von Schichten voraus (1 = die nächste Schicht).</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="372"/>
        <source>Budgets: whole numbers of experts per layer, separated by commas (empty: top-k).</source>
        <translation>Budgets: ganze Zahlen von Experten pro Schicht, durch Kommas getrennt (leer: Top-k).</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="374"/>
        <source>Link bandwidths: numbers of GB/s above 0, separated by commas (empty: the hardware&apos;s).</source>
        <translation>Bandbreiten: GB/s-Zahlen über 0, durch Kommas getrennt (leer: die der Hardware).</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="377"/>
        <source>Choose the output folder.</source>
        <translation>Wählen Sie den Ausgabeordner.</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="379"/>
        <source>The folder holds a simulation; it will be replaced.</source>
        <translation>Der Ordner enthält eine Simulation; sie wird ersetzt.</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::SummaryPage</name>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="52"/>
        <source>Property</source>
        <translation>Eigenschaft</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="52"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="57"/>
        <source>Metrics</source>
        <translation>Metriken</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="117"/>
        <source>Train on It…</source>
        <translation>Damit trainieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="118"/>
        <source>Re-shard…</source>
        <translation>Neu aufteilen…</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="121"/>
        <source>Evaluate…</source>
        <translation>Bewerten…</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="122"/>
        <source>Export Predictor…</source>
        <translation>Prädiktor exportieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="124"/>
        <source>Show Folder</source>
        <translation>Ordner anzeigen</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="153"/>
        <source>Line</source>
        <translation>Zeile</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="154"/>
        <source>Epoch</source>
        <translation>Epoche</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="155"/>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="156"/>
        <source>Time (s)</source>
        <translation>Zeit (s)</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="157"/>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="165"/>
        <source>Loss %1</source>
        <translation>Verlust %1</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="169"/>
        <source>Validation score</source>
        <translation>Validierungswert</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="170"/>
        <source>Best</source>
        <translation>Beste</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="173"/>
        <source>Samples/s</source>
        <translation>Samples/s</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="176"/>
        <source>Note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="204"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="204"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::TrainingDialog</name>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="82"/>
        <source>New Training Run</source>
        <translation>Neuer Trainingslauf</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="86"/>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="98"/>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="103"/>
        <source>Trace sets:</source>
        <translation>Trace-Sätze:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="104"/>
        <source>Tokens to read:</source>
        <translation>Zu lesende Tokens:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="105"/>
        <source>Training share:</source>
        <translation>Trainingsanteil:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="106"/>
        <source>Validation share:</source>
        <translation>Validierungsanteil:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="109"/>
        <source>Predictors</source>
        <translation>Prädiktoren</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="110"/>
        <source>Inter-layer (GRU over the routing history)</source>
        <translation>Schichtübergreifend (GRU über den Routing-Verlauf)</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="112"/>
        <source>Statistics-aware</source>
        <translation>Statistikbasiert</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="114"/>
        <source>Hidden-state (MLP over the traces&apos; hidden-state features)</source>
        <translation>Verborgener Zustand (MLP über die Merkmale des verborgenen Zustands der Traces)</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="116"/>
        <source>Needs traces collected with hidden-state features; without them it is reported as unavailable and the other predictors train.</source>
        <translation>Benötigt Traces, die mit Merkmalen des verborgenen Zustands gesammelt wurden; ohne sie wird es als nicht verfügbar gemeldet, und die anderen Prädiktoren werden trainiert.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="118"/>
        <source>Ensemble with the baselines</source>
        <translation>Ensemble mit den Referenzverfahren</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="121"/>
        <source>Predict the experts of layers l+1 … l+h from the routing up to layer l.</source>
        <translation>Die Experten der Schichten l+1 … l+h aus dem Routing bis Schicht l vorhersagen.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="122"/>
        <source>Token ids</source>
        <translation>Token-IDs</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="124"/>
        <source>Router weights</source>
        <translation>Router-Gewichte</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="126"/>
        <source>Lookahead probes (when the traces have them)</source>
        <translation>Vorausschau-Sonden (wenn die Traces sie enthalten)</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="128"/>
        <source>Previous token&apos;s routing (decode engines)</source>
        <translation>Routing des vorigen Tokens (Dekodier-Engines)</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="130"/>
        <source>The hidden-state model also reads the previous token&apos;s routing at every layer. Valid where tokens are decoded one at a time (the previous token has finished every layer); turn it off for predictors that run during prefill.</source>
        <translation>Das Hidden-State-Modell liest zusätzlich das Routing des vorigen Tokens in jeder Schicht. Gültig, wo Tokens einzeln dekodiert werden (der vorige Token hat jede Schicht durchlaufen); schalten Sie es für Prädiktoren aus, die während des Prefills laufen.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="133"/>
        <source>Previous token&apos;s features (decode engines)</source>
        <translation>Merkmale des vorigen Tokens (Decode-Engines)</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="135"/>
        <source>With the previous token&apos;s routing, the hidden-state model also reads the previous token&apos;s hidden-state features of every layer. Valid in decode only, like the routing above.</source>
        <translation>Zusätzlich zum Routing des vorigen Tokens liest das Hidden-State-Modell auch dessen Hidden-State-Merkmale aller Schichten. Nur beim Decodieren gültig, wie das Routing oben.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="151"/>
        <source>Train:</source>
        <translation>Trainieren:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="152"/>
        <source>Horizon (layers ahead):</source>
        <translation>Horizont (Schichten voraus):</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="153"/>
        <source>Context:</source>
        <translation>Kontext:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="156"/>
        <source>Hyper-parameters</source>
        <translation>Hyperparameter</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="159"/>
        <source> tokens</source>
        <translation> Tokens</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="164"/>
        <source>No early stopping</source>
        <translation>Kein frühes Beenden</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="167"/>
        <source>Restore Defaults</source>
        <translation>Standardwerte wiederherstellen</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="178"/>
        <source>Epochs:</source>
        <translation>Epochen:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="179"/>
        <source>Batch size:</source>
        <translation>Batch-Größe:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="180"/>
        <source>Learning rate:</source>
        <translation>Lernrate:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="181"/>
        <source>Weight decay:</source>
        <translation>Gewichtsabnahme:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="182"/>
        <source>Warm-up share:</source>
        <translation>Aufwärmanteil:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="183"/>
        <source>Patience (epochs):</source>
        <translation>Geduld (Epochen):</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="184"/>
        <source>Embedding size:</source>
        <translation>Einbettungsgröße:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="185"/>
        <source>Hidden size:</source>
        <translation>Verborgene Größe:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="189"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="193"/>
        <source>Mixed precision (bfloat16)</source>
        <translation>Gemischte Genauigkeit (bfloat16)</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="195"/>
        <source>Runs the forward passes in bfloat16 where that is safe; losses, gradients and weights stay float32. For GPUs with bfloat16 tensor cores.</source>
        <translation>Führt die Vorwärtsdurchläufe in bfloat16 aus, wo das sicher ist; Verluste, Gradienten und Gewichte bleiben float32. Für GPUs mit bfloat16-Tensorkernen.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="199"/>
        <source>e.g. gru-h2</source>
        <translation>z. B. gru-h2</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="203"/>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="205"/>
        <source>Run name:</source>
        <translation>Laufname:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="206"/>
        <source>Run folder:</source>
        <translation>Laufordner:</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="367"/>
        <source>Tick at least one trace set.</source>
        <translation>Kreuzen Sie mindestens einen Trace-Satz an.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="372"/>
        <source>%1 is not a trace set (no manifest.json).</source>
        <translation>%1 ist kein Trace-Satz (keine manifest.json).</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="375"/>
        <source>The ticked trace sets come from different models; train on one model at a time.</source>
        <translation>Die angekreuzten Trace-Sätze stammen von verschiedenen Modellen; trainieren Sie jeweils auf einem Modell.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="383"/>
        <source>Choose at least one predictor to train.</source>
        <translation>Wählen Sie mindestens einen Prädiktor zum Trainieren.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="385"/>
        <source>The horizon must be below the number of layers (%1).</source>
        <translation>Der Horizont muss kleiner als die Zahl der Schichten (%1) sein.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="387"/>
        <source>Training and validation shares must leave a test share (their sum must be below 1).</source>
        <translation>Trainings- und Validierungsanteil müssen einen Testanteil übrig lassen (ihre Summe muss unter 1 liegen).</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="390"/>
        <source>Choose a run name or a run folder.</source>
        <translation>Wählen Sie einen Laufnamen oder einen Laufordner.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="392"/>
        <source>The run folder %1 is a file.</source>
        <translation>Der Laufordner %1 ist eine Datei.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="395"/>
        <source>The run folder already holds a run: you will be asked whether to continue it or start over.</source>
        <translation>Der Lauf-Ordner enthält bereits einen Lauf: Sie werden gefragt, ob er fortgesetzt oder neu begonnen werden soll.</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/training_dialog.cpp" line="410"/>
        <source>%1 holds a finished training run (%n epoch(s), best epoch %2).</source>
        <translation>
            <numerusform>%1 enthält einen abgeschlossenen Trainingslauf (%n Epoche, beste Epoche %2).</numerusform>
            <numerusform>%1 enthält einen abgeschlossenen Trainingslauf (%n Epochen, beste Epoche %2).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/training_dialog.cpp" line="414"/>
        <source>%1 holds an unfinished training run (%n epoch(s) done).</source>
        <translation>
            <numerusform>%1 enthält einen unfertigen Trainingslauf (%n Epoche abgeschlossen).</numerusform>
            <numerusform>%1 enthält einen unfertigen Trainingslauf (%n Epochen abgeschlossen).</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="418"/>
        <source>Continue it from its checkpoint, or start over? Starting over deletes its best predictor, metrics and evaluations.</source>
        <translation>Vom Checkpoint fortsetzen oder neu beginnen? Ein Neubeginn löscht den besten Prädiktor, die Metriken und die Auswertungen.</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="420"/>
        <source>It has no checkpoint to continue from. Start over? That deletes its best predictor, metrics and evaluations.</source>
        <translation>Es gibt keinen Checkpoint, von dem fortgesetzt werden kann. Neu beginnen? Das löscht den besten Prädiktor, die Metriken und die Auswertungen.</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::WelcomePage</name>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="51"/>
        <source>New Workspace…</source>
        <translation>Neuer Arbeitsbereich…</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="52"/>
        <source>Open Workspace…</source>
        <translation>Arbeitsbereich öffnen…</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="54"/>
        <source>Open Demo Workspace</source>
        <translation>Demo-Arbeitsbereich öffnen</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="56"/>
        <source>Collect Routing Traces…</source>
        <translation>Routing-Traces sammeln…</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="58"/>
        <source>Train Expert Predictors…</source>
        <translation>Experten-Prädiktoren trainieren…</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="65"/>
        <source>Recent workspaces</source>
        <translation>Zuletzt verwendete Arbeitsbereiche</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="124"/>
        <source>SpecMoE Workbench</source>
        <translation>SpecMoE Workbench</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="125"/>
        <source>Collect the expert routing of a Mixture-of-Experts model on your corpus, explore it, and train predictors that know ahead of time which experts the next layers need. Start with a workspace: a folder that holds trace sets, training runs and references to models.</source>
        <translation>Zeichnen Sie das Experten-Routing eines Mixture-of-Experts-Modells auf Ihrem Korpus auf, erkunden Sie es und trainieren Sie Prädiktoren, die vorab wissen, welche Experten die nächsten Schichten brauchen. Beginnen Sie mit einem Arbeitsbereich: einem Ordner mit Trace-Sätzen, Trainingsläufen und Verweisen auf Modelle.</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/welcome_page.cpp" line="131"/>
        <source>%n trace set(s)</source>
        <translation>
            <numerusform>%n Trace-Satz</numerusform>
            <numerusform>%n Trace-Sätze</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/welcome_page.cpp" line="132"/>
        <source>%n training run(s)</source>
        <translation>
            <numerusform>%n Trainingslauf</numerusform>
            <numerusform>%n Trainingsläufe</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/welcome_page.cpp" line="133"/>
        <source>%n simulation(s)</source>
        <translation>
            <numerusform>%n Simulation</numerusform>
            <numerusform>%n Simulationen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/welcome_page.cpp" line="134"/>
        <source>%n model(s)</source>
        <translation>
            <numerusform>%n Modell</numerusform>
            <numerusform>%n Modelle</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="135"/>
        <source>Open an entry of the workspace tree to see it, or start the next step below.</source>
        <translation>Öffnen Sie einen Eintrag des Arbeitsbereichsbaums, um ihn anzuzeigen, oder beginnen Sie unten den nächsten Schritt.</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::ComparisonTableModel</name>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="124"/>
        <source>Top-1</source>
        <translation>Top-1</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="126"/>
        <source>Exact set</source>
        <translation>Exakte Menge</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="128"/>
        <source>Recall@%1</source>
        <translation>Recall@%1</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="130"/>
        <source>Log-loss</source>
        <translation>Log-Loss</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="132"/>
        <source>ECE</source>
        <translation>ECE</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="174"/>
        <source>baseline</source>
        <translation>Referenz</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="174"/>
        <source>trained</source>
        <translation>trainiert</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="201"/>
        <source>Best at horizon +%1</source>
        <translation>Am besten bei Horizont +%1</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="213"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="215"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="217"/>
        <source>Horizon</source>
        <translation>Horizont</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::ComparisonTableView</name>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="38"/>
        <source>Latest validation metrics over all predicted layers. Bold: best at that horizon (lowest for log-loss and ECE).</source>
        <translation>Neueste Validierungsmetriken über alle vorhergesagten Schichten. Fett: bester Wert bei diesem Horizont (niedrigster bei Log-Loss und ECE).</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="40"/>
        <source>Model comparison: validation metrics</source>
        <translation>Modellvergleich: Validierungsmetriken</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="72"/>
        <source>All predicted layers</source>
        <translation>Alle vorhergesagten Schichten</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="79"/>
        <source>Predicted layer %1</source>
        <translation>Vorhergesagte Schicht %1</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="94"/>
        <source>Model comparison</source>
        <translation>Modellvergleich</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="104"/>
        <source>%1, predicted layer %2</source>
        <translation>%1, vorhergesagte Schicht %2</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::ExportDialog</name>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="28"/>
        <location filename="../widgets/export_dialog.cpp" line="93"/>
        <source>Export image</source>
        <translation>Bild exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="28"/>
        <location filename="../widgets/export_dialog.cpp" line="91"/>
        <source>Export data</source>
        <translation>Daten exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="28"/>
        <source>Export report</source>
        <translation>Bericht exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="32"/>
        <source>Browse...</source>
        <translation>Durchsuchen...</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="36"/>
        <source>Folder:</source>
        <translation>Ordner:</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="36"/>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="40"/>
        <source>PNG image</source>
        <translation>PNG-Bild</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="41"/>
        <source>SVG vector image</source>
        <translation>SVG-Vektorbild</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="42"/>
        <source>PDF document</source>
        <translation>PDF-Dokument</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="43"/>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="67"/>
        <location filename="../widgets/export_dialog.cpp" line="68"/>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="69"/>
        <source> dpi</source>
        <translation> dpi</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="73"/>
        <source>Size:</source>
        <translation>Größe:</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="74"/>
        <source>Resolution:</source>
        <translation>Auflösung:</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="89"/>
        <source>Report folder</source>
        <translation>Berichtsordner</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="91"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="94"/>
        <source>Images (*.png *.svg *.pdf)</source>
        <translation>Bilder (*.png *.svg *.pdf)</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::JobsModel</name>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="21"/>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="22"/>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="23"/>
        <source>Cancelling</source>
        <translation>Wird abgebrochen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="24"/>
        <source>Finished</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="25"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="26"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="27"/>
        <source>Interrupted</source>
        <translation>Unterbrochen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="50"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="52"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="53"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="62"/>
        <source>%1 tokens/s</source>
        <translation>%1 Tokens/s</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="64"/>
        <source>%1 samples/s</source>
        <translation>%1 Beispiele/s</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="66"/>
        <source>%1 sequences/s</source>
        <translation>%1 Sequenzen/s</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="68"/>
        <source>%1 steps/s</source>
        <translation>%1 Schritte/s</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="69"/>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="105"/>
        <source>Output: %1</source>
        <translation>Ausgabe: %1</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="121"/>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="123"/>
        <source>Running (%1)</source>
        <translation>Läuft (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="127"/>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="150"/>
        <source>Job</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="151"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="152"/>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="153"/>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="154"/>
        <source>Time left</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="155"/>
        <source>Elapsed</source>
        <translation>Vergangen</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::JobsPanel</name>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="98"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="100"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="102"/>
        <source>Open result</source>
        <translation>Ergebnis öffnen</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="104"/>
        <source>Clear finished</source>
        <translation>Beendete entfernen</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobs_panel.cpp" line="197"/>
        <source>%n running</source>
        <translation>
            <numerusform>%n laufend</numerusform>
            <numerusform>%n laufend</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobs_panel.cpp" line="198"/>
        <source>%n queued</source>
        <translation>
            <numerusform>%n wartend</numerusform>
            <numerusform>%n wartend</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::LogPanel</name>
    <message>
        <location filename="../widgets/log_panel.cpp" line="41"/>
        <source>All messages</source>
        <translation>Alle Meldungen</translation>
    </message>
    <message>
        <location filename="../widgets/log_panel.cpp" line="42"/>
        <source>Information and above</source>
        <translation>Information und höher</translation>
    </message>
    <message>
        <location filename="../widgets/log_panel.cpp" line="43"/>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <location filename="../widgets/log_panel.cpp" line="44"/>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <location filename="../widgets/log_panel.cpp" line="50"/>
        <source>Clear the log</source>
        <translation>Protokoll leeren</translation>
    </message>
    <message>
        <location filename="../widgets/log_panel.cpp" line="56"/>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::MemoryGauge</name>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="49"/>
        <source>not available</source>
        <translation>nicht verfügbar</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="51"/>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="61"/>
        <source>Total: %1</source>
        <translation>Gesamt: %1</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::MemoryPanel</name>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="186"/>
        <source>GPU %1: %2</source>
        <translation>GPU %1: %2</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="187"/>
        <source>Allocated by this process</source>
        <translation>Von diesem Prozess belegt</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="188"/>
        <source>Reserved by this process</source>
        <translation>Von diesem Prozess reserviert</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="189"/>
        <source>Used on the device</source>
        <translation>Auf dem Gerät belegt</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="192"/>
        <source>Workbench process</source>
        <translation>Workbench-Prozess</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="193"/>
        <source>Resident memory</source>
        <translation>Residenter Speicher</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="195"/>
        <source>System memory</source>
        <translation>Systemspeicher</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="196"/>
        <source>This process</source>
        <translation>Dieser Prozess</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="197"/>
        <source>Used by all processes</source>
        <translation>Von allen Prozessen belegt</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="201"/>
        <source>Peak resident memory of the workbench: %1</source>
        <translation>Höchster residenter Speicher der Workbench: %1</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="204"/>
        <source>No CUDA GPU found: jobs run on the CPU.</source>
        <translation>Keine CUDA-GPU gefunden: Aufträge laufen auf der CPU.</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::RoutingPatternsView</name>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="106"/>
        <source>Source:</source>
        <translation>Quelle:</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="109"/>
        <source>Transition from layer:</source>
        <translation>Übergang ab Schicht:</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="111"/>
        <source>distance:</source>
        <translation>Distanz:</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="114"/>
        <source>Co-activation layer:</source>
        <translation>Schicht der Ko-Aktivierung:</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="121"/>
        <source>Expert at layer l + d</source>
        <translation>Experte in Schicht l + d</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="121"/>
        <source>Expert at layer l</source>
        <translation>Experte in Schicht l</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="122"/>
        <source>Expert j</source>
        <translation>Experte j</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="122"/>
        <source>Expert i</source>
        <translation>Experte i</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="129"/>
        <source>P(next | current)</source>
        <translation>P(nächster | aktueller)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="130"/>
        <source>Share of tokens</source>
        <translation>Anteil der Tokens</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="133"/>
        <source>Layer transitions</source>
        <translation>Schichtübergänge</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="134"/>
        <source>Co-activation</source>
        <translation>Ko-Aktivierung</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="154"/>
        <source>Routing entropy per layer</source>
        <translation>Routing-Entropie je Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="155"/>
        <source>Consecutive-token repetition</source>
        <translation>Wiederholung bei aufeinanderfolgenden Tokens</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="166"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="169"/>
        <source>Entropy (bits)</source>
        <translation>Entropie (Bit)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="170"/>
        <source>Rate of neighbouring tokens</source>
        <translation>Rate benachbarter Tokens</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="178"/>
        <source>First choice</source>
        <translation>Erste Wahl</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="179"/>
        <source>Any of top-k</source>
        <translation>Beliebig in Top-k</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="180"/>
        <source>Maximum (uniform), log2 E</source>
        <translation>Maximum (gleichverteilt), log2 E</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="181"/>
        <source>Most balanced layer</source>
        <translation>Ausgewogenste Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="184"/>
        <source>Same first choice</source>
        <translation>Gleiche erste Wahl</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="185"/>
        <source>Random, 1/E</source>
        <translation>Zufällig, 1/E</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="186"/>
        <source>Expected from layer load</source>
        <translation>Erwartet aus der Schichtlast</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="187"/>
        <source>Top-k sets overlap</source>
        <translation>Überlappung der Top-k-Mengen</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="188"/>
        <source>Random overlap</source>
        <translation>Zufällige Überlappung</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="241"/>
        <source>Routing patterns</source>
        <translation>Routing-Muster</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="356"/>
        <source>First-choice transitions, %1 to %2</source>
        <translation>Übergänge der ersten Wahl, %1 nach %2</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="358"/>
        <source>Co-activation in top-%1 at %2 (off-diagonal)</source>
        <translation>Ko-Aktivierung in Top-%1, %2 (ohne Diagonale)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="382"/>
        <source>max %1 bits at %2</source>
        <translation>max. %1 Bit in %2</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="420"/>
        <source>P(expert %1 at %2 | expert %3 at %4) = %5</source>
        <translation>P(Experte %1 in %2 | Experte %3 in %4) = %5</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="430"/>
        <source>Experts %1 and %2 together in the top-%3 at %4: %5 % of tokens</source>
        <translation>Experten %1 und %2 gemeinsam in Top-%3 in %4: %5 % der Tokens</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="429"/>
        <source>Diagonal (an expert with itself) is not shown</source>
        <translation>Die Diagonale (ein Experte mit sich selbst) wird nicht gezeigt</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="446"/>
        <source>Layer %1: entropy %2 bits (first), %3 bits (any); maximum %4</source>
        <translation>Schicht %1: Entropie %2 Bit (erste), %3 Bit (beliebig); Maximum %4</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="451"/>
        <source>Layer %1: same first choice %2 (random %3), overlap %4 (random %5)</source>
        <translation>Schicht %1: gleiche erste Wahl %2 (zufällig %3), Überlappung %4 (zufällig %5)</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::RoutingTextCanvas</name>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="180"/>
        <source>expert %1 (w %2)</source>
        <translation>Experte %1 (G %2)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="184"/>
        <source>expert %1</source>
        <translation>Experte %1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="188"/>
        <source>&quot;%1&quot;  seq %2, position %3%4
Layer %5: %6</source>
        <translation>„%1“  Seq. %2, Position %3%4
Schicht %5: %6</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::RoutingTextView</name>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="295"/>
        <source>Layer 00 (MoE layer 00 of 00)</source>
        <translation>Schicht 00 (MoE-Schicht 00 von 00)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="301"/>
        <source>top experts</source>
        <translation>Top-Experten</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="302"/>
        <source>Colour only this expert&apos;s tokens (first choice at the layer); &quot;top experts&quot; colours the busiest ones.</source>
        <translation>Nur die Tokens dieses Experten einfärben (erste Wahl in der Schicht); „Top-Experten“ färbt die meistbeschäftigten ein.</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="307"/>
        <source>Layer:</source>
        <translation>Schicht:</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="311"/>
        <source>Highlight expert:</source>
        <translation>Experte hervorheben:</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="324"/>
        <source>Routing text</source>
        <translation>Routing-Text</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="383"/>
        <source>Layer %1 (MoE layer %2 of %3)</source>
        <translation>Schicht %1 (MoE-Schicht %2 von %3)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="384"/>
        <source>Layer %1 / %2</source>
        <translation>Schicht %1 / %2</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="404"/>
        <source>First-choice expert:</source>
        <translation>Experte der ersten Wahl:</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="406"/>
        <source>E%1</source>
        <translation>E%1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="415"/>
        <source>the other %1 experts (hover a token for its ids)</source>
        <translation>die übrigen %1 Experten (für die IDs mit der Maus auf ein Token zeigen)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="417"/>
        <source>(others unmarked)</source>
        <translation>(übrige nicht markiert)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="419"/>
        <source>&lt;u&gt;underlined&lt;/u&gt;: generated (decode) tokens</source>
        <translation>&lt;u&gt;unterstrichen&lt;/u&gt;: generierte (Decode-)Tokens</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="436"/>
        <source>Routing at %1 (token background = first-choice expert)</source>
        <translation>Routing in %1 (Token-Hintergrund = Experte der ersten Wahl)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="444"/>
        <source>Expert %1</source>
        <translation>Experte %1</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::SimulationTableModel</name>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="108"/>
        <source>Predictor</source>
        <translation>Prädiktor</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="109"/>
        <source>Policy</source>
        <translation>Strategie</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="110"/>
        <source>Cache (experts/layer)</source>
        <translation>Cache (Experten/Schicht)</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="111"/>
        <source>Cache GB</source>
        <translation>Cache GB</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="112"/>
        <source>Link GB/s</source>
        <translation>Verbindung GB/s</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="113"/>
        <source>m</source>
        <translation>m</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="114"/>
        <source>h</source>
        <translation>h</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="115"/>
        <source>Hit rate</source>
        <translation>Trefferquote</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="116"/>
        <source>Prefetch precision</source>
        <translation>Präzision des Vorabladens</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="117"/>
        <source>Prefetch recall</source>
        <translation>Trefferabdeckung des Vorabladens</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="118"/>
        <source>MB/token</source>
        <translation>MB/Token</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="119"/>
        <source>Stall ms/token</source>
        <translation>Wartezeit ms/Token</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="120"/>
        <source>Tokens/s</source>
        <translation>Tokens/s</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::SimulationView</name>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="66"/>
        <source>Policy:</source>
        <translation>Strategie:</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="67"/>
        <source>Budget m:</source>
        <translation>Budget m:</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="68"/>
        <source>Horizon h:</source>
        <translation>Horizont h:</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="70"/>
        <source>Hit rate at link:</source>
        <translation>Trefferquote bei Verbindung:</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="71"/>
        <source>Tokens/s at cache:</source>
        <translation>Tokens/s bei Cache:</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="96"/>
        <source>Cache size (experts per layer)</source>
        <translation>Cache-Größe (Experten pro Schicht)</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="97"/>
        <source>Hit rate</source>
        <translation>Trefferquote</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="98"/>
        <source>Link bandwidth (GB/s)</source>
        <translation>Bandbreite der Verbindung (GB/s)</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="99"/>
        <source>Modeled decode tokens/s</source>
        <translation>Modellierte Dekodier-Tokens/s</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="152"/>
        <source>Cache and prefetch simulation</source>
        <translation>Cache- und Vorablade-Simulation</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/simulation_view.cpp" line="178"/>
        <location filename="../widgets/simulation_view.cpp" line="184"/>
        <source>%n expert(s) per layer</source>
        <translation>
            <numerusform>%n Experte pro Schicht</numerusform>
            <numerusform>%n Experten pro Schicht</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/simulation_view.cpp" line="180"/>
        <source>%n layer(s) ahead</source>
        <translation>
            <numerusform>%n Schicht voraus</numerusform>
            <numerusform>%n Schichten voraus</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="182"/>
        <source>%1 GB/s</source>
        <translation>%1 GB/s</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="225"/>
        <source>No simulation loaded.</source>
        <translation>Keine Simulation geladen.</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="227"/>
        <source>%1 tokens of %2 sequences (%3 split), batch %4 · %5, expert %6 MB (%7) · %8</source>
        <translation>%1 Tokens aus %2 Sequenzen (Teil %3), Batch %4 · %5, Experte %6 MB (%7) · %8</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="238"/>
        <source> · compute %1 ms per layer, measured from our runtime on %2 (%3)</source>
        <translation> · Rechenzeit %1 ms pro Schicht, gemessen mit unserer Laufzeit auf %2 (%3)</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="243"/>
        <source> · compute %1 ms per layer (given)</source>
        <translation> · Rechenzeit %1 ms pro Schicht (vorgegeben)</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="248"/>
        <source>At %1 experts per layer and %2 GB/s: no prefetch %3 tokens/s, oracle %4; the best predictor, %5, reaches %6</source>
        <translation>Bei %1 Experten pro Schicht und %2 GB/s: ohne Vorabladen %3 Tokens/s, Orakel %4; der beste Prädiktor, %5, erreicht %6</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="259"/>
        <source> (the oracle gains under 1%: prefetching cannot help here).</source>
        <translation> (das Orakel gewinnt unter 1 %: Vorabladen kann hier nicht helfen).</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="262"/>
        <source>: every predictor is slower than no prefetching here.</source>
        <translation>: hier ist jeder Prädiktor langsamer als kein Vorabladen.</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="265"/>
        <source>, beyond the oracle: its plan also keeps experts in the cache, which the oracle&apos;s only orders fetches for (the oracle bounds prediction, not caching).</source>
        <translation>; jenseits des Orakels: sein Plan hält Experten zusätzlich im Cache, während der Plan des Orakels nur Ladevorgänge ordnet (das Orakel begrenzt die Vorhersage, nicht das Caching).</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="269"/>
        <source> and closes %1% of the gap.</source>
        <translation> und schließt %1% der Lücke.</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="280"/>
        <source>Hit rate vs cache size (%1, link %2 GB/s)</source>
        <translation>Trefferquote über Cache-Größe (%1, Verbindung %2 GB/s)</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/simulation_view.cpp" line="282"/>
        <source>Decode tokens/s vs link bandwidth (cache %n expert(s) per layer)</source>
        <translation>
            <numerusform>Dekodier-Tokens/s über Bandbreite (Cache %n Experte pro Schicht)</numerusform>
            <numerusform>Dekodier-Tokens/s über Bandbreite (Cache %n Experten pro Schicht)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="378"/>
        <source>%1, %2, cache %3 experts/layer (%4 GB), link %5 GB/s</source>
        <translation>%1, %2, Cache %3 Experten/Schicht (%4 GB), Verbindung %5 GB/s</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="385"/>
        <source>, m %1, h %2</source>
        <translation>, m %1, h %2</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="386"/>
        <source>: hit rate %1%, %2 tokens/s, stall %3 ms/token, %4 MB/token</source>
        <translation>: Trefferquote %1%, %2 Tokens/s, Wartezeit %3 ms/Token, %4 MB/Token</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="392"/>
        <source>, prefetch precision %1, recall %2</source>
        <translation>, Präzision des Vorabladens %1, Abdeckung %2</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::TokenJourneyView</name>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="237"/>
        <source>Token text, e.g. def</source>
        <translation>Token-Text, z. B. def</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="241"/>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="246"/>
        <source>Sequence:</source>
        <translation>Sequenz:</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="248"/>
        <source>First token:</source>
        <translation>Erstes Token:</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="250"/>
        <source>Tokens:</source>
        <translation>Tokens:</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="253"/>
        <source>All experts</source>
        <translation>Alle Experten</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="254"/>
        <source>Experts on these paths</source>
        <translation>Experten auf diesen Wegen</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="255"/>
        <source>Rows of the expert axis: every expert id, or only the experts the shown journeys visit (first and second choice), labelled with their ids.</source>
        <translation>Zeilen der Expertenachse: jede Experten-ID oder nur die Experten, die die angezeigten Wege besuchen (erste und zweite Wahl), beschriftet mit ihren IDs.</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="257"/>
        <source>Rows:</source>
        <translation>Zeilen:</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="269"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="270"/>
        <location filename="../widgets/token_journey_view.cpp" line="530"/>
        <source>Expert (first choice: line and filled marker; second: hollow)</source>
        <translation>Experte (erste Wahl: Linie und gefüllte Markierung; zweite: hohl)</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="275"/>
        <source>First choice (size = weight)</source>
        <translation>Erste Wahl (Größe = Gewicht)</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="277"/>
        <source>Second choice (size = weight)</source>
        <translation>Zweite Wahl (Größe = Gewicht)</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="281"/>
        <source>Search results</source>
        <translation>Suchergebnisse</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="284"/>
        <source>Generated (decode) token</source>
        <translation>Generiertes (Decode-)Token</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="294"/>
        <location filename="../widgets/token_journey_view.cpp" line="326"/>
        <location filename="../widgets/token_journey_view.cpp" line="537"/>
        <source>Token journeys</source>
        <translation>Token-Wege</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="442"/>
        <source>Searching...</source>
        <translation>Suche läuft...</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="462"/>
        <source>&quot;%1&quot;: %2 of %3 occurrence(s) shown</source>
        <translation>„%1“: %2 von %3 Vorkommen angezeigt</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="522"/>
        <source>size = weight</source>
        <translation>Größe = Gewicht</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="522"/>
        <source>no router weights in this trace</source>
        <translation>keine Router-Gewichte in diesem Trace</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="523"/>
        <source>First choice (%1)</source>
        <translation>Erste Wahl (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="524"/>
        <source>Second choice (%1)</source>
        <translation>Zweite Wahl (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="529"/>
        <source>Expert id (only those on these paths)</source>
        <translation>Experten-ID (nur die auf diesen Wegen)</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="539"/>
        <source>Token journeys: sequence %1, tokens %2-%3</source>
        <translation>Token-Wege: Sequenz %1, Tokens %2–%3</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="544"/>
        <source> (generated from %1: dashed)</source>
        <translation> (generiert ab %1: gestrichelt)</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="544"/>
        <source> (generated: dashed)</source>
        <translation> (generiert: gestrichelt)</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="546"/>
        <source>; search &quot;%1&quot; (%2 shown)</source>
        <translation>; Suche „%1“ (%2 angezeigt)</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="589"/>
        <source>E%1 %2</source>
        <translation>E%1 %2</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="590"/>
        <source>E%1</source>
        <translation>E%1</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="596"/>
        <source>&quot;%1&quot; (seq %2, pos %3%4) %5: %6</source>
        <translation>„%1“ (Seq. %2, Pos. %3%4) %5: %6</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="592"/>
        <source>, search</source>
        <translation>, Suche</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::TraceSetViews</name>
    <message>
        <location filename="../widgets/trace_set_views.cpp" line="11"/>
        <source>Routing analysis</source>
        <translation>Routing-Analyse</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::TrainingCurvesView</name>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="70"/>
        <location filename="../widgets/training_curves_view.cpp" line="93"/>
        <location filename="../widgets/training_curves_view.cpp" line="242"/>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="71"/>
        <location filename="../widgets/training_curves_view.cpp" line="242"/>
        <source>Epoch</source>
        <translation>Epoche</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="73"/>
        <source>Metric:</source>
        <translation>Metrik:</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="75"/>
        <source>Horizon:</source>
        <translation>Horizont:</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="77"/>
        <source>Layer:</source>
        <translation>Schicht:</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="79"/>
        <source>X axis:</source>
        <translation>X-Achse:</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="94"/>
        <source>Training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="113"/>
        <source>Validation accuracy</source>
        <translation>Validierungsgenauigkeit</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="141"/>
        <source>Training curves</source>
        <translation>Trainingskurven</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="171"/>
        <source>+%1 layer(s)</source>
        <translation>+%1 Schicht(en)</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="172"/>
        <source>All layers</source>
        <translation>Alle Schichten</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="174"/>
        <source>Layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="246"/>
        <source>Validation %1, horizon +%2, all layers</source>
        <translation>Validierung %1, Horizont +%2, alle Schichten</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="247"/>
        <source>Validation %1, horizon +%2, layer %3</source>
        <translation>Validierung %1, Horizont +%2, Schicht %3</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="294"/>
        <location filename="../widgets/training_curves_view.cpp" line="342"/>
        <location filename="../widgets/training_curves_view.cpp" line="426"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="302"/>
        <source>%1 (baseline)</source>
        <translation>%1 (Referenz)</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="430"/>
        <source>%1 %2: %3</source>
        <translation>%1 %2: %3</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="431"/>
        <source>epoch</source>
        <translation>Epoche</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="431"/>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::TrainingRunViews</name>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="16"/>
        <source>Training run</source>
        <translation>Trainingslauf</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="33"/>
        <source>Training run %1</source>
        <translation>Trainingslauf %1</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="51"/>
        <source>Evaluation of the best checkpoint on the %1 split (%2 tokens). Bold: best at that horizon (lowest for log-loss and ECE).</source>
        <translation>Bewertung des besten Checkpoints auf der %1-Aufteilung (%2 Tokens). Fett: bester Wert bei diesem Horizont (niedrigster bei Log-Loss und ECE).</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="60"/>
        <source>test</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="62"/>
        <source>validation</source>
        <translation>Validierungs</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="64"/>
        <source>training</source>
        <translation>Trainings</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="66"/>
        <source>whole</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="54"/>
        <source>Model comparison: %1 split</source>
        <translation>Modellvergleich: %1-Aufteilung</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::UsageHeatmapView</name>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="32"/>
        <source>First choice</source>
        <translation>Erste Wahl</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="33"/>
        <source>Any of top-k</source>
        <translation>Beliebig in Top-k</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="34"/>
        <source>Source:</source>
        <translation>Quelle:</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="37"/>
        <source>Choice:</source>
        <translation>Wahl:</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="41"/>
        <source>By expert id</source>
        <translation>Nach Experten-ID</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="42"/>
        <source>By load, all layers</source>
        <translation>Nach Last, alle Schichten</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="43"/>
        <source>By load at the selected layer</source>
        <translation>Nach Last in der gewählten Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="44"/>
        <source>Row order: with many experts, sorting by the share summed over the layers shows which experts carry the load; hover a row for its id.</source>
        <translation>Zeilenreihenfolge: Bei vielen Experten zeigt die Sortierung nach dem über die Schichten summierten Anteil, welche Experten die Last tragen; zeigen Sie auf eine Zeile, um ihre ID zu sehen.</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="46"/>
        <source>Rows:</source>
        <translation>Zeilen:</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="59"/>
        <source>Share of tokens</source>
        <translation>Anteil der Tokens</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="66"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="67"/>
        <location filename="../widgets/usage_heatmap_view.cpp" line="250"/>
        <source>Expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="88"/>
        <location filename="../widgets/usage_heatmap_view.cpp" line="208"/>
        <source>Click a cell to list its tokens.</source>
        <translation>Klicken Sie auf eine Zelle, um ihre Tokens aufzulisten.</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="103"/>
        <source>Wheel: zoom, drag: pan, double click: fit all</source>
        <translation>Mausrad: Zoom, Ziehen: Verschieben, Doppelklick: alles einpassen</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="137"/>
        <source>Expert usage</source>
        <translation>Expertennutzung</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="206"/>
        <source>Any of top-%1</source>
        <translation>Beliebig in Top-%1</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="252"/>
        <source>Expert (rows by load over all layers, busiest first)</source>
        <translation>Experte (Zeilen nach Last über alle Schichten, meistbeschäftigte zuerst)</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="254"/>
        <source>Expert (rows by load at decoder layer %1, busiest first)</source>
        <translation>Experte (Zeilen nach Last in Decoder-Schicht %1, meistbeschäftigte zuerst)</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="262"/>
        <source>no data</source>
        <translation>keine Daten</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="264"/>
        <source>Expert usage by layer: first choice (%1)</source>
        <translation>Expertennutzung je Schicht: erste Wahl (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="265"/>
        <source>Expert usage by layer: any of top-%1 (%2)</source>
        <translation>Expertennutzung je Schicht: beliebig in Top-%1 (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="289"/>
        <source>, load rank %1 of %2</source>
        <translation>, Lastrang %1 von %2</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="290"/>
        <source>Expert %1 at %2%3: share %4 (%5 % of tokens, %6 tokens)</source>
        <translation>Experte %1 in %2%3: Anteil %4 (%5 % der Tokens, %6 Tokens)</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/usage_heatmap_view.cpp" line="328"/>
        <source>Expert %1 at %2: %n sampled token(s) (all sources)</source>
        <translation>
            <numerusform>Experte %1 in %2: %n Token in der Stichprobe (alle Quellen)</numerusform>
            <numerusform>Experte %1 in %2: %n Tokens in der Stichprobe (alle Quellen)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="335"/>
        <source>&quot;%1&quot;  seq %2 pos %3  rank %4</source>
        <translation>„%1“  Seq. %2 Pos. %3  Rang %4</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="337"/>
        <source>  w %1</source>
        <translation>  G %1</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::ViewTabs</name>
    <message>
        <location filename="../widgets/view_tabs.cpp" line="17"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location filename="../widgets/view_tabs.cpp" line="20"/>
        <source>Current view as image...</source>
        <translation>Aktuelle Ansicht als Bild...</translation>
    </message>
    <message>
        <location filename="../widgets/view_tabs.cpp" line="21"/>
        <source>Current view data as CSV...</source>
        <translation>Daten der aktuellen Ansicht als CSV...</translation>
    </message>
    <message>
        <location filename="../widgets/view_tabs.cpp" line="23"/>
        <source>Report of all views...</source>
        <translation>Bericht aller Ansichten...</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::WorkspaceModel</name>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="64"/>
        <source>Trace sets</source>
        <translation>Trace-Sätze</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="65"/>
        <source>Training runs</source>
        <translation>Trainingsläufe</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="66"/>
        <source>Simulations</source>
        <translation>Simulationen</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="67"/>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="71"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="239"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="239"/>
        <source>Details</source>
        <translation>Details</translation>
    </message>
</context>
</TS>
