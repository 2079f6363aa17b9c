<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Jobs</name>
    <message>
        <location filename="../app/gui/jobs.cpp" line="48"/>
        <source>Collect %1</source>
        <translation>采集 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="50"/>
        <source>Re-shard %1 into %2</source>
        <translation>将 %1 重新分片到 %2</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="52"/>
        <source>Import %1</source>
        <translation>导入 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="54"/>
        <source>Train %1</source>
        <translation>训练 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="56"/>
        <source>Analyze %1</source>
        <translation>分析 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="58"/>
        <source>Evaluate %1 (%2 split)</source>
        <translation>评估 %1（%2划分）</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="60"/>
        <source>Export %1</source>
        <translation>导出 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="62"/>
        <source>Simulate %1</source>
        <translation>模拟 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="64"/>
        <source>Demo (quick)</source>
        <translation>演示（快速）</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="64"/>
        <source>Demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="246"/>
        <source>%1: %2 sequences, %3 tokens written in %4 s (%5 tokens/s); %6 shards%7</source>
        <translation>%1：已写入 %2 个序列、%3 个词元，用时 %4 秒（%5 词元/秒）；%6 个分片%7</translation>
    </message>
    <message>
        <location filename="../app/gui/jobs.cpp" line="253"/>
        <source>, not complete (resumable)</source>
        <translation>，未完成（可继续）</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/jobs.cpp" line="259"/>
        <source>skipped input: %n item(s), also listed in manifest.json (&quot;skipped&quot;)</source>
        <translation>
            <numerusform>跳过的输入：%n 项，也列在 manifest.json 中（“skipped”）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MaxTokensBox</name>
    <message>
        <location filename="../app/gui/token_limit_box.cpp" line="16"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../widgets/export.cpp" line="47"/>
        <location filename="../widgets/report_writer.cpp" line="16"/>
        <source>Cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="69"/>
        <source>Invalid image size %1 x %2</source>
        <translation>无效的图像尺寸 %1 x %2</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="73"/>
        <source>Invalid resolution %1 dpi</source>
        <translation>无效的分辨率 %1 dpi</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="94"/>
        <location filename="../widgets/export.cpp" line="113"/>
        <location filename="../widgets/export.cpp" line="119"/>
        <location filename="../widgets/export.cpp" line="136"/>
        <source>Cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="110"/>
        <source>SpecMoE Workbench export</source>
        <translation>SpecMoE Workbench 导出</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="129"/>
        <source>SpecMoE Workbench</source>
        <translation>SpecMoE Workbench</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="148"/>
        <source>Unknown image format of %1 (use .png, .svg or .pdf)</source>
        <translation>%1 的图像格式未知（请使用 .png、.svg 或 .pdf）</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="155"/>
        <source>No plot to export</source>
        <translation>没有可导出的图</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="272"/>
        <location filename="../widgets/export.cpp" line="277"/>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="123"/>
        <location filename="../widgets/export_dialog.cpp" line="138"/>
        <location filename="../widgets/export_dialog.cpp" line="155"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../widgets/report_writer.cpp" line="20"/>
        <source>SpecMoE report</source>
        <translation>SpecMoE 报告</translation>
    </message>
    <message>
        <location filename="../widgets/expert_usage_stats.cpp" line="109"/>
        <location filename="../widgets/routing_pattern_stats.cpp" line="94"/>
        <source>All sources</source>
        <translation>所有来源</translation>
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
            <numerusform>序列 %1（%n 个词元）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/token_journey_set.cpp" line="126"/>
        <source>Sequence %1, %2 (%n token(s))</source>
        <translation>
            <numerusform>序列 %1，%2（%n 个词元）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_set.cpp" line="130"/>
        <source>: prompt %1 + generated %2</source>
        <translation>：提示词 %1 + 生成 %2</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="46"/>
        <source>Top-1 hit rate</source>
        <translation>Top-1 命中率</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="48"/>
        <source>Exact top-k set</source>
        <translation>完全一致的 top-k 集合</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="50"/>
        <source>Recall@%1</source>
        <translation>Recall@%1</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="52"/>
        <source>Log-loss (nats)</source>
        <translation>对数损失（奈特）</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="54"/>
        <source>Calibration error (ECE)</source>
        <translation>校准误差（ECE）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="49"/>
        <source>layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="50"/>
        <source>layer %1 (MoE layer %2)</source>
        <translation>第 %1 层（MoE 层 %2）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="55"/>
        <source>Decoder layer (MoE layers only)</source>
        <translation>解码器层（仅 MoE 层）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="55"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="78"/>
        <source>prefill</source>
        <translation>预填充</translation>
    </message>
    <message>
        <location filename="../widgets/routing_context.cpp" line="80"/>
        <source>decode</source>
        <translation>解码</translation>
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
        <translation>不预取</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_series.cpp" line="185"/>
        <source>oracle (true routing)</source>
        <translation>预言机（真实路由）</translation>
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
        <translation>静态热门集合</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_series.cpp" line="204"/>
        <source>Belady (optimal)</source>
        <translation>Belady（最优）</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="111"/>
        <location filename="../app/gui/workspace.cpp" line="390"/>
        <source>Shards</source>
        <translation>分片</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="111"/>
        <location filename="../app/gui/workspace.cpp" line="389"/>
        <source>Sequences</source>
        <translation>序列</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="29"/>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="36"/>
        <source>%1 is not a JSON object: %2</source>
        <translation>%1 不是 JSON 对象：%2</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="97"/>
        <source>%1 split, %2 tokens: %3 recall@%4 %5 (frequency %6, Markov %7), horizon 1</source>
        <translation>%1划分，%2 个词元：%3 recall@%4 %5（频率 %6，马尔可夫 %7），视距 1</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="104"/>
        <source>unreadable report %1</source>
        <translation>无法读取的报告 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="120"/>
        <source>%1 already holds a workspace.</source>
        <translation>%1 中已有一个工作区。</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="125"/>
        <source>Cannot create the folder %1.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="146"/>
        <source>%1: field &quot;format&quot; is not &quot;specmoe-workspace&quot;.</source>
        <translation>%1：字段“format”不是“specmoe-workspace”。</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="152"/>
        <source>%1: unsupported workspace version %2.</source>
        <translation>%1：不支持的工作区版本 %2。</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="238"/>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="371"/>
        <source>no manifest yet</source>
        <translation>尚无清单</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="379"/>
        <source>unreadable manifest</source>
        <translation>清单无法读取</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="380"/>
        <location filename="../app/gui/workspace.cpp" line="482"/>
        <location filename="../app/gui/workspace.cpp" line="516"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="386"/>
        <source>%1 tokens</source>
        <translation>%1 个词元</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="386"/>
        <source>%1 tokens, incomplete</source>
        <translation>%1 个词元，未完成</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="388"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/workspace.cpp" line="390"/>
        <source>%n shards</source>
        <translation>
            <numerusform>%n 个分片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="393"/>
        <source>Routing</source>
        <translation>路由</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="393"/>
        <location filename="../app/gui/workspace.cpp" line="485"/>
        <source>%1 layers × %2 experts, top-%3</source>
        <translation>%1 层 × %2 个专家，top-%3</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="398"/>
        <source>Lookahead probes</source>
        <translation>前瞻探针</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="402"/>
        <location filename="../app/gui/workspace.cpp" line="538"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="405"/>
        <source>Compute dtype</source>
        <translation>计算数据类型</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="411"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="412"/>
        <location filename="../app/gui/workspace.cpp" line="464"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="412"/>
        <source>complete</source>
        <translation>完整</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="412"/>
        <location filename="../app/gui/workspace.cpp" line="464"/>
        <source>incomplete (can be resumed)</source>
        <translation>未完成（可继续）</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="413"/>
        <location filename="../app/gui/workspace.cpp" line="465"/>
        <location filename="../app/gui/workspace.cpp" line="494"/>
        <location filename="../app/gui/workspace.cpp" line="558"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/workspace.cpp" line="430"/>
        <source>finished after %n epochs</source>
        <translation>
            <numerusform>%n 轮后完成</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="430"/>
        <location filename="../app/gui/workspace.cpp" line="464"/>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="432"/>
        <source>incomplete, epoch %1</source>
        <translation>未完成，第 %1 轮</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="432"/>
        <source>incomplete</source>
        <translation>未完成</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="434"/>
        <source>not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="437"/>
        <source>Best epoch</source>
        <translation>最佳轮次</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="442"/>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="445"/>
        <source>Epochs done</source>
        <translation>已完成轮数</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="445"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="446"/>
        <source>Latest</source>
        <translation>最新</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="452"/>
        <source>Predictor</source>
        <translation>预测器</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="452"/>
        <source>%1; horizon %2</source>
        <translation>%1；预测跨度 %2</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="458"/>
        <source>Trace sets</source>
        <translation>轨迹集</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="461"/>
        <source>Latest evaluation</source>
        <translation>最近一次评估</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="463"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="481"/>
        <source>missing or unreadable config.json</source>
        <translation>config.json 缺失或无法读取</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="486"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="487"/>
        <source>Hidden size</source>
        <translation>隐藏维度</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="488"/>
        <source>Vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="489"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="490"/>
        <source>Stored dtype</source>
        <translation>存储数据类型</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="491"/>
        <source>Weight files</source>
        <translation>权重文件</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="492"/>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="492"/>
        <source>none (token-id sources only)</source>
        <translation>无（仅限词元 ID 数据源）</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="507"/>
        <source>no result yet</source>
        <translation>尚无结果</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="515"/>
        <source>unreadable simulation.json</source>
        <translation>无法读取 simulation.json</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/workspace.cpp" line="530"/>
        <source>%n setting(s)</source>
        <translation>
            <numerusform>%n 个设置</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="532"/>
        <source>, best closes %1% of the gap</source>
        <translation>，最佳者弥合了 %1% 的差距</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="534"/>
        <source>, a predictor beats the oracle</source>
        <translation>，有预测器超过了预言机</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="535"/>
        <source>Replayed</source>
        <translation>已回放</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="535"/>
        <source>%1 tokens of %2 sequences (%3 split), batch %4</source>
        <translation>%2 个序列中的 %1 个词元（%3 划分），批大小 %4</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="538"/>
        <source>%1, expert %2 MB (%3)</source>
        <translation>%1，每个专家 %2 MB（%3）</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="542"/>
        <source>Hardware</source>
        <translation>硬件</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="549"/>
        <source>Predictors</source>
        <translation>预测器</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="551"/>
        <source>Best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <location filename="../app/gui/workspace.cpp" line="551"/>
        <source>%1 at %2 experts per layer, %3 GB/s: %4 tokens/s (no prefetch %5, oracle %6)</source>
        <translation>%1，每层 %2 个专家，%3 GB/s：%4 词元/秒（不预取 %5，预言机 %6）</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::CollectionDialog</name>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="69"/>
        <source>Automatic (fastest available)</source>
        <translation>自动（最快的可用设备）</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="70"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="72"/>
        <source>GPU %1: %2</source>
        <translation>GPU %1：%2</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="99"/>
        <source>New Collection</source>
        <translation>新建采集</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="103"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="106"/>
        <source>Folder with config.json and *.safetensors</source>
        <translation>包含 config.json 和 *.safetensors 的文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="116"/>
        <source>Model folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="118"/>
        <source>Tokenizer:</source>
        <translation>分词器：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="121"/>
        <source>Corpus</source>
        <translation>语料</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="124"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="124"/>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="124"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="124"/>
        <source>Field / column</source>
        <translation>字段 / 列</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="124"/>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="141"/>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="145"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="149"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="169"/>
        <source>The whole corpus</source>
        <translation>整个语料库</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="172"/>
        <location filename="../app/gui/collection_dialog.cpp" line="176"/>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="184"/>
        <source> bytes</source>
        <translation> 字节</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="186"/>
        <source>Documents longer than this are skipped and counted as &quot;document-too-long&quot; in the source&apos;s statistics, so one huge line cannot exhaust the memory (the CLI&apos;s --max-doc-bytes).</source>
        <translation>超过此长度的文档会被跳过，并在该来源的统计中计为“document-too-long”，以免一行超长文本耗尽内存（对应命令行的 --max-doc-bytes）。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="192"/>
        <source>Target size:</source>
        <translation>目标规模：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="193"/>
        <source>Maximum sequence length:</source>
        <translation>最大序列长度：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="194"/>
        <source>Longest document:</source>
        <translation>最长文档：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="198"/>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="204"/>
        <source>Automatic (bfloat16 on a GPU; float32 on a CPU without AMX-BF16)</source>
        <translation>自动（GPU 上为 bfloat16；没有 AMX-BF16 的 CPU 上为 float32）</translation>
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
        <translation>float32（精确，内存加倍）</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="211"/>
        <source>Resident: all weights on one device</source>
        <translation>常驻：所有权重位于同一设备</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="212"/>
        <source>Split: layers spread over the GPUs</source>
        <translation>拆分：各层分布在多个 GPU 上</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="213"/>
        <source>Streaming: one layer at a time</source>
        <translation>流式：一次一层</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="217"/>
        <source> sequences</source>
        <translation> 个序列</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="218"/>
        <source>Automatic (measured: the fastest, within the free memory)</source>
        <translation>自动（实测：在可用内存内最快的）</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="255"/>
        <source>Hidden-state features stored per token and layer (float16), a linear map of the layer&apos;s router input, for speculators that read the hidden state. Parts joined with &apos;+&apos;: gate_logits:D (the logits of the next D gates, D x experts values), pca:R (R principal directions estimated on the first batches), routers (the rows of every router, layers x experts values), full (the router input itself, hidden-size values: for studies on a sample of tokens). At Mixtral-8x7B dims (32 layers, 8 experts, hidden 4096) %1 adds %2 bytes per token. Empty: no features.</source>
        <translation>按词元和层存储的隐藏状态特征（float16），即该层路由器输入的线性映射，供读取隐藏状态的推测器使用。各部分以“+”连接：gate_logits:D（后续 D 个门控的 logits，D x 专家数个值）、pca:R（在最初几个批次上估计的 R 个主方向）、routers（每个路由器的行，层数 x 专家数个值）、full（路由器输入本身，隐藏维度个值：用于对词元样本的研究）。在 Mixtral-8x7B 的维度下（32 层、8 个专家、隐藏维度 4096），%1 每个词元增加 %2 字节。留空：不存储特征。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="397"/>
        <source>Pick a checkpoint folder in Hugging Face hub layout: Mixtral, Qwen2-MoE, Qwen3-MoE, OLMoE, DeepSeek-V2/V3 or gpt-oss (docs/models.md).</source>
        <translation>选择 Hugging Face hub 布局的检查点文件夹：Mixtral、Qwen2-MoE、Qwen3-MoE、OLMoE、DeepSeek-V2/V3 或 gpt-oss（docs/models.md）。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="423"/>
        <source>%1 layers</source>
        <translation>%1 层</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="424"/>
        <source>%1 of %2 layers MoE</source>
        <translation>%2 层中 %1 层为 MoE</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="425"/>
        <source>, a shared expert</source>
        <translation>，一个共享专家</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/collection_dialog.cpp" line="427"/>
        <source>%1: %2 × %3 experts%4, top-%5 (%6); hidden size %7, vocabulary %8; %9; %n weight file(s).</source>
        <translation>
            <numerusform>%1：%2 × %3 个专家%4，top-%5（%6）；隐藏维度 %7，词表 %8；%9；%n 个权重文件。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/collection_dialog.cpp" line="500"/>
        <source>automatic batch size: about %n sequence(s), measured when the run starts (the memory share allows %1)</source>
        <translation>
            <numerusform>自动批大小：约 %n 个序列，在运行开始时测量（内存份额允许 %1）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="642"/>
        <source>The model folder has no tokenizer.model or tokenizer.json: choose a tokenizer, or use sources of token ids (jsonl-ids).</source>
        <translation>模型文件夹中既没有 tokenizer.model 也没有 tokenizer.json：请选择分词器，或使用词元 ID 来源（jsonl-ids）。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="229"/>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="109"/>
        <source>Tokenizer (*.model *.json);;All files (*)</source>
        <translation>分词器 (*.model *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="110"/>
        <source>tokenizer.model or tokenizer.json of the model folder</source>
        <translation>模型文件夹中的 tokenizer.model 或 tokenizer.json</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="230"/>
        <source>Compute dtype:</source>
        <translation>计算数据类型：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="231"/>
        <source>Residency:</source>
        <translation>驻留方式：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="232"/>
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="233"/>
        <source>Memory needed:</source>
        <translation>所需内存：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="236"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="239"/>
        <source>e.g. mixtral-wiki-1M</source>
        <translation>例如 mixtral-wiki-1M</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="246"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="249"/>
        <source>e.g. 1, 2 (empty: none)</source>
        <translation>例如 1, 2（留空：无）</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="250"/>
        <source>Probe distances d: the gate of layer l+d applied to the hidden state of layer l.</source>
        <translation>探针距离 d：将第 l+d 层的门控应用于第 l 层的隐藏状态。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="253"/>
        <source>none (e.g. %1)</source>
        <translation>无（例如 %1）</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="265"/>
        <source>build one (PCA on the first batches)</source>
        <translation>新建（在前几个批次上做 PCA）</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="267"/>
        <source>Compute the features with the basis of another collection (its trace folder, an exported predictor folder or a feature_basis.safetensors file) instead of estimating a new one, so held-out traces hold the same features as the training traces. The features field may stay empty: the basis names its spec.</source>
        <translation>使用另一次采集的基（其轨迹文件夹、导出的预测器文件夹或 feature_basis.safetensors 文件）计算特征，而不是重新估计，使留出轨迹与训练轨迹具有相同的特征。特征字段可以留空：基中已写明其规格。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="272"/>
        <source>Trace set name:</source>
        <translation>轨迹集名称：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="273"/>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="274"/>
        <source>Shard size:</source>
        <translation>分片大小：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="275"/>
        <source>Lookahead probes:</source>
        <translation>前瞻探针：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="276"/>
        <source>Hidden-state features:</source>
        <translation>隐藏状态特征：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="277"/>
        <source>Feature basis from:</source>
        <translation>特征基来源：</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="366"/>
        <source>Add corpus files</source>
        <translation>添加语料文件</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="367"/>
        <source>Corpus files (*.txt *.jsonl *.json *.csv *.tsv);;All files (*)</source>
        <translation>语料文件 (*.txt *.jsonl *.json *.csv *.tsv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="374"/>
        <source>Add a corpus folder</source>
        <translation>添加语料文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="400"/>
        <source>The model folder %1 does not exist.</source>
        <translation>模型文件夹 %1 不存在。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="407"/>
        <source>%1 holds no *.safetensors weight files.</source>
        <translation>%1 中没有 *.safetensors 权重文件。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="418"/>
        <source>%1 B parameters</source>
        <translation>%1 B 参数</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="419"/>
        <source>%1 M parameters</source>
        <translation>%1 M 参数</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="455"/>
        <source>Pick a model to see the estimate.</source>
        <translation>选择模型以查看估算。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="480"/>
        <source>free on the GPU</source>
        <translation>GPU 空闲</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="483"/>
        <source>available memory</source>
        <translation>可用内存</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="508"/>
        <source>%1 (weights %2, activations %3)</source>
        <translation>%1（权重 %2，激活 %3）</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="510"/>
        <source>plus %1 of pinned host memory for streaming</source>
        <translation>另需 %1 锁页主机内存用于流式加载</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="512"/>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="546"/>
        <source>The tokenizer %1 has a vocabulary of %2 tokens, more than the model&apos;s %3 (vocab_size in config.json): its token ids would not fit the model. Choose the model&apos;s own tokenizer.</source>
        <translation>分词器 %1 的词表有 %2 个词元，多于模型的 %3 个（config.json 中的 vocab_size）：其词元 ID 超出模型的范围。请选择模型自带的分词器。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="548"/>
        <source>The tokenizer %1 has a vocabulary of %2 tokens, but the model&apos;s vocab_size is %3; a SentencePiece tokenizer must match it. Choose the model&apos;s own tokenizer.</source>
        <translation>分词器 %1 的词表有 %2 个词元，但模型的 vocab_size 为 %3；SentencePiece 分词器必须与之一致。请选择模型自带的分词器。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="552"/>
        <source>The tokenizer %1 cannot be read: %2</source>
        <translation>无法读取分词器 %1：%2</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="617"/>
        <source>Choose the model folder.</source>
        <translation>请选择模型文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="619"/>
        <source>The model folder is not usable.</source>
        <translation>模型文件夹不可用。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="621"/>
        <source>Add at least one corpus source.</source>
        <translation>请至少添加一个语料来源。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="628"/>
        <source>Source %1 has no name.</source>
        <translation>来源 %1 没有名称。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="630"/>
        <source>Two sources are named &quot;%1&quot;; names must be unique.</source>
        <translation>有两个来源都叫“%1”；名称必须唯一。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="633"/>
        <source>The path of source &quot;%1&quot; does not exist: %2</source>
        <translation>来源“%1”的路径不存在：%2</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="635"/>
        <source>The weight of source &quot;%1&quot; must be positive.</source>
        <translation>来源“%1”的权重必须为正数。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="640"/>
        <source>The tokenizer file %1 does not exist.</source>
        <translation>分词器文件 %1 不存在。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="651"/>
        <source>The maximum sequence length of %1 tokens exceeds the model&apos;s %2 positions (max_position_embeddings): lower it to %2 or less.</source>
        <translation>最大序列长度 %1 个词元超过了模型的 %2 个位置（max_position_embeddings）：请降到 %2 或以下。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="658"/>
        <source>Lookahead probes must be positive whole numbers separated by commas, e.g. 1, 2.</source>
        <translation>前瞻探针必须是以逗号分隔的正整数，例如 1, 2。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="661"/>
        <source>A lookahead probe distance of %1 needs more than %2 layers.</source>
        <translation>前瞻探针距离 %1 需要多于 %2 层。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="667"/>
        <source>Hidden-state features: %1</source>
        <translation>隐藏状态特征：%1</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="672"/>
        <source>The feature basis %1 does not exist.</source>
        <translation>特征基 %1 不存在。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="675"/>
        <source>Split residency spreads layers over GPUs; this machine has none.</source>
        <translation>拆分驻留会把各层分布到多个 GPU 上；本机没有 GPU。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="677"/>
        <source>Split residency needs a GPU device.</source>
        <translation>拆分驻留需要 GPU 设备。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="680"/>
        <source>Choose a name or an output folder for the trace set.</source>
        <translation>请为轨迹集选择名称或输出文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="682"/>
        <source>The output %1 is a file, not a folder.</source>
        <translation>输出 %1 是文件而不是文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="684"/>
        <source>The output folder already holds a trace set: the collection will resume it if the settings match.</source>
        <translation>输出文件夹中已有轨迹集：如果设置一致，采集将在其基础上继续。</translation>
    </message>
    <message>
        <location filename="../app/gui/collection_dialog.cpp" line="686"/>
        <source>The estimate exceeds the memory available: lower the batch size or the sequence length, or choose streaming residency.</source>
        <translation>估算超过了可用内存：请减小批大小或序列长度，或选择流式驻留。</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::EvaluateDialog</name>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="36"/>
        <source>%1: best checkpoint of epoch %2; models %3; horizon %4.</source>
        <translation>%1：第 %2 轮的最佳检查点；模型 %3；视距 %4。</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="60"/>
        <source>%1 has no best checkpoint yet: it is written at the end of the first epoch.</source>
        <translation>%1 还没有最佳检查点：它在第一轮结束时写入。</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="69"/>
        <source>Evaluate a Predictor</source>
        <translation>评估预测器</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="74"/>
        <source>Predictor</source>
        <translation>预测器</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="78"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="82"/>
        <source>%1 (trained on)</source>
        <translation>%1（训练所用）</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="93"/>
        <source>Test (never seen in training or model selection)</source>
        <translation>测试（训练和模型选择中从未见过）</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="94"/>
        <source>Validation (chose the best epoch)</source>
        <translation>验证（用于选择最佳轮次）</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="95"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="96"/>
        <source>All sequences</source>
        <translation>全部序列</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="103"/>
        <source>Trace set:</source>
        <translation>轨迹集：</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="105"/>
        <source>Split:</source>
        <translation>划分：</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="106"/>
        <source>Tokens scored at most:</source>
        <translation>最多评估的词元数：</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="108"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="114"/>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="165"/>
        <source>Choose the trace set to score the predictor on.</source>
        <translation>请选择用于评估预测器的轨迹集。</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="168"/>
        <source>%1 is not a trace set (no manifest.json).</source>
        <translation>%1 不是轨迹集（没有 manifest.json）。</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="170"/>
        <source>Not the trace set this run was trained on: the baselines still use the training statistics, and the traces must come from the same model.</source>
        <translation>这不是该运行训练所用的轨迹集：基线仍使用训练统计，且轨迹必须来自同一模型。</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::ExportPredictorDialog</name>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="178"/>
        <source>Export a Predictor</source>
        <translation>导出预测器</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="180"/>
        <source>Predictor</source>
        <translation>预测器</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="182"/>
        <source>Writes predictor.safetensors and config.json (layout in docs/speculation.md); docs/load_predictor.py loads and runs them with PyTorch.</source>
        <translation>写出 predictor.safetensors 和 config.json（格式见 docs/speculation.md）；docs/load_predictor.py 用 PyTorch 加载并运行它们。</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="191"/>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="224"/>
        <source>Choose the output folder.</source>
        <translation>请选择输出文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="227"/>
        <source>Choose a folder outside the run: the run&apos;s own checkpoints live there.</source>
        <translation>请选择运行目录之外的文件夹：运行自身的检查点存放在那里。</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="230"/>
        <source>The folder already holds a predictor; it will be replaced.</source>
        <translation>该文件夹已有一个预测器；它将被替换。</translation>
    </message>
    <message>
        <location filename="../app/gui/evaluate_dialog.cpp" line="233"/>
        <source>The folder holds a config.json that is not a predictor&apos;s: choose another folder (%1).</source>
        <translation>该文件夹中的 config.json 不是预测器的配置：请选择其他文件夹（%1）。</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::ImportDialog</name>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="45"/>
        <source>Import Traces</source>
        <translation>导入轨迹</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="48"/>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="51"/>
        <source>vLLM (import bundle .npz)</source>
        <translation>vLLM（导入包 .npz）</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="52"/>
        <source>SGLang (import bundle .npz)</source>
        <translation>SGLang（导入包 .npz）</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="53"/>
        <source>Megatron-Core (router_trace_rank*.jsonl, or a bundle)</source>
        <translation>Megatron-Core（router_trace_rank*.jsonl 或导入包）</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="54"/>
        <source>NumPy arrays (.npz or a folder of .npy)</source>
        <translation>NumPy 数组（.npz 或包含 .npy 的文件夹）</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="62"/>
        <source>Add Files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="63"/>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="64"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="75"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="77"/>
        <source>Files:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="79"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="82"/>
        <source>Model configuration (*.json)</source>
        <translation>模型配置 (*.json)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="83"/>
        <source>the model&apos;s config.json (bundles carry it)</source>
        <translation>模型的 config.json（导入包中已包含）</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="87"/>
        <location filename="../app/gui/import_dialog.cpp" line="94"/>
        <location filename="../app/gui/import_dialog.cpp" line="98"/>
        <source>From the configuration</source>
        <translation>来自配置</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="90"/>
        <source>from the configuration, e.g. 3-60</source>
        <translation>来自配置，例如 3-60</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="100"/>
        <source>Configuration:</source>
        <translation>配置：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="101"/>
        <source>Routed experts:</source>
        <translation>路由专家数：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="102"/>
        <source>MoE layers:</source>
        <translation>MoE 层：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="103"/>
        <source>Decoder layers:</source>
        <translation>解码器层数：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="104"/>
        <source>Shared experts:</source>
        <translation>共享专家数：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="106"/>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="109"/>
        <source>Decide from the model (MoE or all decoder layers)</source>
        <translation>根据模型决定（MoE 层或全部解码器层）</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="110"/>
        <source>One slot per MoE layer</source>
        <translation>每个 MoE 层一个槽位</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="111"/>
        <source>One slot per decoder layer</source>
        <translation>每个解码器层一个槽位</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="112"/>
        <source>Drop tokens whose routing is marked missing (-1)</source>
        <translation>丢弃路由被标记为缺失（-1）的词元</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="116"/>
        <source>as the input says</source>
        <translation>按输入中的说明</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="119"/>
        <source>Match the model&apos;s MoE layers</source>
        <translation>与模型的 MoE 层匹配</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="120"/>
        <source>0-based decoder indices (hook path)</source>
        <translation>从 0 开始的解码器索引（hook 路径）</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="121"/>
        <source>1-based layer numbers (routing replay)</source>
        <translation>从 1 开始的层编号（路由重放）</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="125"/>
        <source>One sequence per router call</source>
        <translation>每次路由器调用一个序列</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="127"/>
        <source>Layer axis:</source>
        <translation>层轴：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="129"/>
        <source>Engine version:</source>
        <translation>引擎版本：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="130"/>
        <source>Megatron layer numbers:</source>
        <translation>Megatron 层编号：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="131"/>
        <source>Megatron micro-batch:</source>
        <translation>Megatron 微批次：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="133"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="136"/>
        <source>Replace a different trace set already in the folder</source>
        <translation>替换文件夹中已有的其他轨迹集</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="139"/>
        <source>Trace set folder:</source>
        <translation>轨迹集文件夹：</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="171"/>
        <source>Bundles saved with the snippet of docs/trace-import.md from the engine&apos;s request outputs; they carry the model&apos;s configuration.</source>
        <translation>用 docs/trace-import.md 中的代码片段从引擎的请求输出保存的导入包；其中包含模型的配置。</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="174"/>
        <source>The folder given to --moe-routing-trace-path (or its JSONL files); no token ids. A .npz is a bundle of the inference engine&apos;s requests.</source>
        <translation>传给 --moe-routing-trace-path 的文件夹（或其中的 JSONL 文件）；不含词元 ID。.npz 是推理引擎请求的导入包。</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="177"/>
        <source>expert_ids [N, layers, k], token_ids [N], seq_lens [S]; optional weights, prompt_lens, request_ids.</source>
        <translation>expert_ids [N, 层, k]、token_ids [N]、seq_lens [S]；可选 weights、prompt_lens、request_ids。</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="185"/>
        <source>Add Files</source>
        <translation>添加文件</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="185"/>
        <source>Routing traces (*.npz *.npy *.jsonl);;All files (*)</source>
        <translation>路由轨迹 (*.npz *.npy *.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="191"/>
        <source>Add Folder</source>
        <translation>添加文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="267"/>
        <source>Add the files or folders to import.</source>
        <translation>请添加要导入的文件或文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="270"/>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="273"/>
        <source>The model configuration %1 is not a file.</source>
        <translation>模型配置 %1 不是文件。</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="276"/>
        <source>MoE layers: &quot;%1&quot; is not a list of ascending layer indices or ranges such as 3-60.</source>
        <translation>MoE 层：“%1”不是由递增的层索引或范围（如 3-60）组成的列表。</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="287"/>
        <source>Give the number of routed experts or the model&apos;s config.json: these inputs do not carry it.</source>
        <translation>请提供路由专家数或模型的 config.json：这些输入中不包含该信息。</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="291"/>
        <source>Choose the output folder.</source>
        <translation>请选择输出文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/import_dialog.cpp" line="294"/>
        <source>The output folder holds a trace set: the same import continues it; another one needs &quot;Replace&quot;.</source>
        <translation>输出文件夹中已有轨迹集：相同的导入会在其基础上继续；其他导入需要勾选“替换”。</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::MainWindow</name>
    <message>
        <location filename="../app/gui/main_window.cpp" line="129"/>
        <source>Routing</source>
        <translation>路由</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="138"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="146"/>
        <source>Simulation</source>
        <translation>模拟</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="168"/>
        <source>Analysing the routing of this trace set…</source>
        <translation>正在分析此轨迹集的路由…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="172"/>
        <source>The routing analysis of this trace set failed:
%1</source>
        <translation>此轨迹集的路由分析失败：
%1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="185"/>
        <source>The routing analysis was cancelled: close this tab and open the trace set again to rerun it.</source>
        <translation>路由分析已取消：请关闭此标签页并重新打开轨迹集以重新运行。</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="197"/>
        <source>&amp;New Workspace…</source>
        <translation>新建工作区(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="200"/>
        <source>&amp;Open Workspace…</source>
        <translation>打开工作区(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="203"/>
        <source>Open &amp;Demo Workspace</source>
        <translation>打开演示工作区(&amp;D)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="206"/>
        <source>&amp;Close Workspace</source>
        <translation>关闭工作区(&amp;C)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="208"/>
        <source>Add &amp;Model…</source>
        <translation>添加模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="210"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="213"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="218"/>
        <source>New &amp;Collection…</source>
        <translation>新建采集(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="221"/>
        <source>Collect routing traces of a model on a corpus</source>
        <translation>在语料上采集模型的路由轨迹</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="223"/>
        <source>&amp;Re-shard Trace Set…</source>
        <translation>重新分片轨迹集(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="225"/>
        <source>Rewrite a trace set with another shard size</source>
        <translation>以另一分片大小重写轨迹集</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="227"/>
        <source>&amp;Import Traces…</source>
        <translation>导入轨迹(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="229"/>
        <source>Import routing traces from vLLM, SGLang, Megatron-Core or NumPy arrays</source>
        <translation>从 vLLM、SGLang、Megatron-Core 或 NumPy 数组导入路由轨迹</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="231"/>
        <source>New &amp;Training…</source>
        <translation>新建训练(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="234"/>
        <source>Train expert predictors on trace sets</source>
        <translation>在轨迹集上训练专家预测器</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="236"/>
        <source>&amp;Evaluate Predictor…</source>
        <translation>评估预测器(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="238"/>
        <source>Score the selected run&apos;s best predictor and the baselines on the test split</source>
        <translation>在测试划分上评估所选运行的最佳预测器和各基线</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="240"/>
        <source>E&amp;xport Predictor…</source>
        <translation>导出预测器(&amp;X)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="242"/>
        <source>Write the selected run&apos;s best predictor for an inference engine</source>
        <translation>为推理引擎写出所选运行的最佳预测器</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="245"/>
        <source>&amp;Simulate Expert Cache…</source>
        <translation>模拟专家缓存(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="247"/>
        <source>Replay trace sets through an offloading engine&apos;s expert cache: what a predictor&apos;s prefetching buys in hit rate and tokens/s</source>
        <translation>将轨迹集回放到卸载引擎的专家缓存中：预测器的预取在命中率和词元/秒上带来多少收益</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="251"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="255"/>
        <source>&amp;About SpecMoE Workbench</source>
        <translation>关于 SpecMoE Workbench(&amp;A)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="275"/>
        <source>Workspace</source>
        <translation>工作区</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="301"/>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="307"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="315"/>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="327"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="330"/>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="341"/>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="352"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="358"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="361"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="393"/>
        <source>Device: CPU, %n threads</source>
        <translation>
            <numerusform>设备：CPU，%n 个线程</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="397"/>
        <source>Device: %1 (%2)</source>
        <translation>设备：%1（%2）</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="398"/>
        <source>Devices: %n GPUs (%1, %2 each)</source>
        <translation>
            <numerusform>设备：%n 个 GPU（%1，每个 %2）</numerusform>
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
        <translation>未打开工作区</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="437"/>
        <source>No jobs running</source>
        <translation>没有运行中的任务</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="440"/>
        <source>%n job(s) running</source>
        <translation>
            <numerusform>%n 个任务运行中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="442"/>
        <source>%n queued</source>
        <translation>
            <numerusform>%n 个排队</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/application.cpp" line="67"/>
        <location filename="../app/gui/main_window.cpp" line="642"/>
        <location filename="../app/gui/main_window.cpp" line="688"/>
        <location filename="../app/gui/main_window.cpp" line="1153"/>
        <source>Open Workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="660"/>
        <source>Not finished in an earlier session; it can be resumed.</source>
        <translation>在之前的会话中未完成；可以继续。</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="668"/>
        <source>Choose an Empty Folder for the New Workspace</source>
        <translation>为新工作区选择一个空文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="672"/>
        <location filename="../app/gui/main_window.cpp" line="678"/>
        <source>New Workspace</source>
        <translation>新建工作区</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="672"/>
        <source>Workspace name:</source>
        <translation>工作区名称：</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="683"/>
        <source>Open Workspace Folder</source>
        <translation>打开工作区文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="698"/>
        <location filename="../app/gui/main_window.cpp" line="701"/>
        <location filename="../app/gui/main_window.cpp" line="721"/>
        <source>Demo Workspace</source>
        <translation>演示工作区</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="702"/>
        <source>The demo builds a small corpus from text on this machine, trains a tokenizer and a small Mixture-of-Experts model on the CPU, collects its routing and trains expert predictors. Nothing is downloaded. It runs as a job; the workspace fills when it finishes.</source>
        <translation>演示会用本机上的文本构建一个小语料，在 CPU 上训练分词器和一个小型混合专家模型，采集其路由并训练专家预测器。不会下载任何内容。它作为任务运行；完成后工作区会被填充。</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="706"/>
        <source>Quick (about a minute)</source>
        <translation>快速（约一分钟）</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="707"/>
        <source>Full (about 10 minutes)</source>
        <translation>完整（约 10 分钟）</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="478"/>
        <location filename="../app/gui/main_window.cpp" line="719"/>
        <source>Demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="475"/>
        <source>%1 is neither a workspace nor a demo folder.</source>
        <translation>%1 既不是工作区，也不是演示文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="602"/>
        <source>%1 holds no *.safetensors weight files.</source>
        <translation>%1 中没有 *.safetensors 权重文件。</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="742"/>
        <source>Choose a Model Folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="745"/>
        <source>Add Model</source>
        <translation>添加模型</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="746"/>
        <source>%1 is not a model folder (config.json and *.safetensors weights).

%2</source>
        <translation>%1 不是模型文件夹（需要 config.json 和 *.safetensors 权重）。

%2</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="919"/>
        <source>Finished: %1</source>
        <translation>已完成：%1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="921"/>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1043"/>
        <source>Run folder in use</source>
        <translation>运行文件夹已被占用</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1044"/>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1045"/>
        <source>Start Over</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1132"/>
        <source>About SpecMoE Workbench</source>
        <translation>关于 SpecMoE Workbench</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1133"/>
        <source>&lt;h3&gt;SpecMoE Workbench %1&lt;/h3&gt;&lt;p&gt;Collect the expert routing of Mixture-of-Experts models, analyse it, and train predictors that tell an inference engine which experts tokens will need.&lt;/p&gt;&lt;p&gt;libtorch %2 · HDF5 %3 · Qt %4&lt;/p&gt;</source>
        <translation>&lt;h3&gt;SpecMoE Workbench %1&lt;/h3&gt;&lt;p&gt;采集混合专家（MoE）模型的专家路由并加以分析，训练预测器，提前告诉推理引擎词元将需要哪些专家。&lt;/p&gt;&lt;p&gt;libtorch %2 · HDF5 %3 · Qt %4&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1163"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1236"/>
        <source>Open Summary</source>
        <translation>打开概要</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1238"/>
        <source>Open %1</source>
        <translation>打开%1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1241"/>
        <source>Train on This Trace Set…</source>
        <translation>用此轨迹集训练…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1243"/>
        <source>Re-shard…</source>
        <translation>重新分片…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1244"/>
        <source>Simulate an Expert Cache on It…</source>
        <translation>在其上模拟专家缓存…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1248"/>
        <source>Evaluate on the Test Split…</source>
        <translation>在测试划分上评估…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1250"/>
        <source>Export Predictor…</source>
        <translation>导出预测器…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1252"/>
        <source>Simulate Its Prefetching…</source>
        <translation>模拟其预取…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1256"/>
        <source>Remove from Workspace</source>
        <translation>从工作区移除</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1261"/>
        <source>Show Folder</source>
        <translation>显示文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="1298"/>
        <source>Jobs Are Running</source>
        <translation>任务正在运行</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="1299"/>
        <source>%n job(s) are still running or queued. Cancel them and quit? Collections and training runs can be resumed from the workspace later.</source>
        <translation>
            <numerusform>仍有 %n 个任务在运行或排队。要取消它们并退出吗？采集和训练之后可以从工作区继续。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>specmoe::gui::PathEdit</name>
    <message>
        <location filename="../app/gui/path_edit.cpp" line="25"/>
        <location filename="../app/gui/path_edit.cpp" line="28"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../app/gui/path_edit.cpp" line="60"/>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location filename="../app/gui/path_edit.cpp" line="62"/>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::ReshardDialog</name>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="24"/>
        <source>Re-shard a Trace Set</source>
        <translation>重新分片轨迹集</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="27"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="38"/>
        <source>Trace set:</source>
        <translation>轨迹集：</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="41"/>
        <source>Destination</source>
        <translation>目标</translation>
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
        <translation>保持与来源相同</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="58"/>
        <source>Replace a trace set already in the destination</source>
        <translation>替换目标中已有的轨迹集</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="61"/>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="62"/>
        <source>Shard size:</source>
        <translation>分片大小：</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="63"/>
        <source>Deflate level:</source>
        <translation>压缩级别：</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="64"/>
        <source>Chunk size (tokens):</source>
        <translation>块大小（词元）：</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="153"/>
        <source>Choose the trace set to re-shard.</source>
        <translation>请选择要重新分片的轨迹集。</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="155"/>
        <source>%1 is not a trace set (no manifest.json).</source>
        <translation>%1 不是轨迹集（没有 manifest.json）。</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="157"/>
        <source>Choose the output folder.</source>
        <translation>请选择输出文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="159"/>
        <source>The output folder must differ from the source.</source>
        <translation>输出文件夹必须与来源不同。</translation>
    </message>
    <message>
        <location filename="../app/gui/reshard_dialog.cpp" line="161"/>
        <source>The output folder already holds a trace set; tick &quot;Replace&quot; to overwrite it.</source>
        <translation>输出文件夹中已有轨迹集；勾选“替换”以覆盖它。</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::SettingsDialog</name>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="54"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="57"/>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="61"/>
        <source>All cores (%1)</source>
        <translation>全部核心（%1）</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="65"/>
        <source>Each job&apos;s default</source>
        <translation>各任务的默认值</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="70"/>
        <source>CPU threads:</source>
        <translation>CPU 线程数：</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="71"/>
        <source>Default device:</source>
        <translation>默认设备：</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="72"/>
        <source>Jobs at the same time:</source>
        <translation>同时运行的任务数：</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="74"/>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="77"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="84"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="85"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="86"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="88"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="89"/>
        <source>Theme:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <location filename="../app/gui/settings_dialog.cpp" line="128"/>
        <source>The new language applies after the workbench restarts.</source>
        <translation>新语言将在工作台重启后生效。</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::SimulationDialog</name>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="92"/>
        <source>Simulate an Expert Cache</source>
        <translation>模拟专家缓存</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="96"/>
        <source>Traces</source>
        <translation>轨迹</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="105"/>
        <source>Test (what no predictor trained or chose its epoch on)</source>
        <translation>测试（没有预测器在其上训练或选择轮次）</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="106"/>
        <source>Validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="107"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="108"/>
        <source>All sequences</source>
        <translation>全部序列</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="116"/>
        <source>Sequences decoded together: a layer needs the union of their experts</source>
        <translation>一起解码的序列：每层需要它们专家的并集</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="119"/>
        <source>Trace sets:</source>
        <translation>轨迹集：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="120"/>
        <source>Split:</source>
        <translation>划分：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="121"/>
        <source>Batch (sequences):</source>
        <translation>批大小（序列）：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="122"/>
        <source>Tokens replayed at most:</source>
        <translation>最多回放的词元数：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="125"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="128"/>
        <source>The traces&apos; model</source>
        <translation>轨迹的模型</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="130"/>
        <source>Preset: %1</source>
        <translation>预设：%1</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="132"/>
        <source>Folder: %1</source>
        <translation>文件夹：%1</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="148"/>
        <source>From the hardware profile</source>
        <translation>来自硬件配置</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="150"/>
        <source>Measured here: our runtime on %1</source>
        <translation>在此测量：我们的运行时在 %1 上</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="152"/>
        <source>Times one decode step of the batch through the checkpoint&apos;s forward pass on the device below, before the replay, and uses its time per layer.</source>
        <translation>在回放之前，在下方设备上通过检查点的前向传播对批次的一个解码步骤计时，并使用其每层时间。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="154"/>
        <source>half the experts</source>
        <translation>一半的专家</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="155"/>
        <source>none</source>
        <translation>无</translation>
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
        <translation>静态热门集合</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="157"/>
        <source>Belady (optimal)</source>
        <translation>Belady（最优）</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="166"/>
        <source>Keep prefetched experts until their layer has run</source>
        <translation>保留预取的专家直到其所在层运行完毕</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="169"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="170"/>
        <source>Expert storage:</source>
        <translation>专家存储：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="171"/>
        <source>Hardware:</source>
        <translation>硬件：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="173"/>
        <source>Compute time per layer:</source>
        <translation>每层计算时间：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="174"/>
        <source>Cache sizes (experts per layer):</source>
        <translation>缓存大小（每层专家数）：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="175"/>
        <source>Cache budgets (GB):</source>
        <translation>缓存预算（GB）：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="176"/>
        <source>Replacement:</source>
        <translation>替换策略：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="180"/>
        <source>Prefetching</source>
        <translation>预取</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="186"/>
        <source>no prefetch (lower bound)</source>
        <translation>不预取（下界）</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="187"/>
        <source>oracle: the true routing (upper bound for prediction)</source>
        <translation>预言机：真实路由（预测的上界）</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="193"/>
        <source>baseline: %1</source>
        <translation>基线：%1</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="197"/>
        <source>trained run: %1</source>
        <translation>训练运行：%1</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="199"/>
        <source>top-k of the model</source>
        <translation>模型的 top-k</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="200"/>
        <source>the hardware&apos;s link</source>
        <translation>硬件的链路</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="206"/>
        <source>Predictors:</source>
        <translation>预测器：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="207"/>
        <source>Horizons h (layers ahead):</source>
        <translation>预测跨度 h（向前的层数）：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="208"/>
        <source>Budgets m (experts per layer):</source>
        <translation>预算 m（每层专家数）：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="209"/>
        <source>Link bandwidths (GB/s):</source>
        <translation>链路带宽（GB/s）：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="210"/>
        <source>Where trained runs predict, and where the compute time per layer is measured</source>
        <translation>训练运行在何处预测，以及每层计算时间在何处测量</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="211"/>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="213"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="219"/>
        <source>Folder (simulation.json, simulation.csv):</source>
        <translation>文件夹（simulation.json、simulation.csv）：</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="269"/>
        <source>link %1 GB/s, %2 µs per transfer; GPU memory %3 GB/s, %4 TFLOPS</source>
        <translation>链路 %1 GB/s，每次传输 %2 µs；GPU 显存 %3 GB/s，%4 TFLOPS</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="343"/>
        <source>The size of an expert is unknown for the traces&apos; model (%1): under Model, choose a preset or a model folder of the workspace.</source>
        <translation>轨迹所属模型（%1）的专家大小未知：请在“模型”下选择一个预设或工作区中的模型文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="345"/>
        <source>unnamed</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="352"/>
        <source>Choose the trace sets to replay.</source>
        <translation>请选择要回放的轨迹集。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="355"/>
        <source>%1 is not a trace set (no manifest.json).</source>
        <translation>%1 不是轨迹集（没有 manifest.json）。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="361"/>
        <source>Cache sizes: whole numbers of experts per layer, separated by commas.</source>
        <translation>缓存大小：每层专家数的整数，用逗号分隔。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="363"/>
        <source>Cache budgets: numbers of GB above 0, separated by commas.</source>
        <translation>缓存预算：大于 0 的 GB 数，用逗号分隔。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="368"/>
        <source>Choose at least one replacement policy.</source>
        <translation>请至少选择一种替换策略。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="370"/>
        <source>Horizons: one or more whole numbers of layers ahead (1 = the next layer).</source>
        <translation>预测跨度：一个或多个向前层数的整数（1 = 下一层）。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="372"/>
        <source>Budgets: whole numbers of experts per layer, separated by commas (empty: top-k).</source>
        <translation>预算：每层专家数的整数，用逗号分隔（留空：top-k）。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="374"/>
        <source>Link bandwidths: numbers of GB/s above 0, separated by commas (empty: the hardware&apos;s).</source>
        <translation>链路带宽：大于 0 的 GB/s 数，用逗号分隔（留空：使用硬件的）。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="377"/>
        <source>Choose the output folder.</source>
        <translation>请选择输出文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/simulation_dialog.cpp" line="379"/>
        <source>The folder holds a simulation; it will be replaced.</source>
        <translation>该文件夹中已有模拟结果，将被替换。</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::SummaryPage</name>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="52"/>
        <source>Property</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="52"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="57"/>
        <source>Metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="117"/>
        <source>Train on It…</source>
        <translation>用它训练…</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="118"/>
        <source>Re-shard…</source>
        <translation>重新分片…</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="121"/>
        <source>Evaluate…</source>
        <translation>评估…</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="122"/>
        <source>Export Predictor…</source>
        <translation>导出预测器…</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="124"/>
        <source>Show Folder</source>
        <translation>显示文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="153"/>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="154"/>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="155"/>
        <source>Step</source>
        <translation>步</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="156"/>
        <source>Time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="157"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="165"/>
        <source>Loss %1</source>
        <translation>损失 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="169"/>
        <source>Validation score</source>
        <translation>验证得分</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="170"/>
        <source>Best</source>
        <translation>最佳</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="173"/>
        <source>Samples/s</source>
        <translation>样本/秒</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="176"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="204"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../app/gui/summary_page.cpp" line="204"/>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::TrainingDialog</name>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="82"/>
        <source>New Training Run</source>
        <translation>新建训练</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="86"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="98"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="103"/>
        <source>Trace sets:</source>
        <translation>轨迹集：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="104"/>
        <source>Tokens to read:</source>
        <translation>读取的词元数：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="105"/>
        <source>Training share:</source>
        <translation>训练比例：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="106"/>
        <source>Validation share:</source>
        <translation>验证比例：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="109"/>
        <source>Predictors</source>
        <translation>预测器</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="110"/>
        <source>Inter-layer (GRU over the routing history)</source>
        <translation>跨层（基于路由历史的 GRU）</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="112"/>
        <source>Statistics-aware</source>
        <translation>统计感知</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="114"/>
        <source>Hidden-state (MLP over the traces&apos; hidden-state features)</source>
        <translation>隐藏状态（基于轨迹隐藏状态特征的 MLP）</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="116"/>
        <source>Needs traces collected with hidden-state features; without them it is reported as unavailable and the other predictors train.</source>
        <translation>需要采集时带有隐藏状态特征的轨迹；没有特征时该模型报告为不可用，其他预测器照常训练。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="118"/>
        <source>Ensemble with the baselines</source>
        <translation>与基线集成</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="121"/>
        <source>Predict the experts of layers l+1 … l+h from the routing up to layer l.</source>
        <translation>根据直到第 l 层的路由预测第 l+1 … l+h 层的专家。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="122"/>
        <source>Token ids</source>
        <translation>词元 ID</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="124"/>
        <source>Router weights</source>
        <translation>路由权重</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="126"/>
        <source>Lookahead probes (when the traces have them)</source>
        <translation>前瞻探针（轨迹中有时）</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="128"/>
        <source>Previous token&apos;s routing (decode engines)</source>
        <translation>前一个词元的路由（解码引擎）</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="130"/>
        <source>The hidden-state model also reads the previous token&apos;s routing at every layer. Valid where tokens are decoded one at a time (the previous token has finished every layer); turn it off for predictors that run during prefill.</source>
        <translation>隐藏状态模型还会读取前一个词元在每一层的路由。仅在逐个解码词元时有效（前一个词元已完成所有层）；对于在预填充阶段运行的预测器请关闭此项。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="133"/>
        <source>Previous token&apos;s features (decode engines)</source>
        <translation>前一个 token 的特征（解码引擎）</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="135"/>
        <source>With the previous token&apos;s routing, the hidden-state model also reads the previous token&apos;s hidden-state features of every layer. Valid in decode only, like the routing above.</source>
        <translation>除前一个 token 的路由外，隐藏状态模型还读取前一个 token 在每一层的隐藏状态特征。与上面的路由一样，仅在解码时有效。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="151"/>
        <source>Train:</source>
        <translation>训练：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="152"/>
        <source>Horizon (layers ahead):</source>
        <translation>跨度（向前层数）：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="153"/>
        <source>Context:</source>
        <translation>上下文：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="156"/>
        <source>Hyper-parameters</source>
        <translation>超参数</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="159"/>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="164"/>
        <source>No early stopping</source>
        <translation>不提前停止</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="167"/>
        <source>Restore Defaults</source>
        <translation>恢复默认值</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="178"/>
        <source>Epochs:</source>
        <translation>轮数：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="179"/>
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="180"/>
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="181"/>
        <source>Weight decay:</source>
        <translation>权重衰减：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="182"/>
        <source>Warm-up share:</source>
        <translation>预热比例：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="183"/>
        <source>Patience (epochs):</source>
        <translation>耐心值（轮数）：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="184"/>
        <source>Embedding size:</source>
        <translation>嵌入维度：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="185"/>
        <source>Hidden size:</source>
        <translation>隐藏维度：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="189"/>
        <source>Run</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="193"/>
        <source>Mixed precision (bfloat16)</source>
        <translation>混合精度（bfloat16）</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="195"/>
        <source>Runs the forward passes in bfloat16 where that is safe; losses, gradients and weights stay float32. For GPUs with bfloat16 tensor cores.</source>
        <translation>在安全的地方以 bfloat16 运行前向计算；损失、梯度和权重保持 float32。适用于带 bfloat16 张量核心的 GPU。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="199"/>
        <source>e.g. gru-h2</source>
        <translation>例如 gru-h2</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="203"/>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="205"/>
        <source>Run name:</source>
        <translation>训练名称：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="206"/>
        <source>Run folder:</source>
        <translation>训练文件夹：</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="367"/>
        <source>Tick at least one trace set.</source>
        <translation>请至少勾选一个轨迹集。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="372"/>
        <source>%1 is not a trace set (no manifest.json).</source>
        <translation>%1 不是轨迹集（没有 manifest.json）。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="375"/>
        <source>The ticked trace sets come from different models; train on one model at a time.</source>
        <translation>勾选的轨迹集来自不同的模型；请每次只针对一个模型训练。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="383"/>
        <source>Choose at least one predictor to train.</source>
        <translation>请至少选择一个要训练的预测器。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="385"/>
        <source>The horizon must be below the number of layers (%1).</source>
        <translation>跨度必须小于层数（%1）。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="387"/>
        <source>Training and validation shares must leave a test share (their sum must be below 1).</source>
        <translation>训练和验证比例必须留出测试部分（两者之和必须小于 1）。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="390"/>
        <source>Choose a run name or a run folder.</source>
        <translation>请选择训练名称或训练文件夹。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="392"/>
        <source>The run folder %1 is a file.</source>
        <translation>训练文件夹 %1 是一个文件。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="395"/>
        <source>The run folder already holds a run: you will be asked whether to continue it or start over.</source>
        <translation>运行文件夹中已有一次运行：系统会询问您是继续该运行还是重新开始。</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/training_dialog.cpp" line="410"/>
        <source>%1 holds a finished training run (%n epoch(s), best epoch %2).</source>
        <translation>
            <numerusform>%1 中有一次已完成的训练运行（%n 个轮次，最佳轮次 %2）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/training_dialog.cpp" line="414"/>
        <source>%1 holds an unfinished training run (%n epoch(s) done).</source>
        <translation>
            <numerusform>%1 中有一次未完成的训练运行（已完成 %n 个轮次）。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="418"/>
        <source>Continue it from its checkpoint, or start over? Starting over deletes its best predictor, metrics and evaluations.</source>
        <translation>从检查点继续，还是重新开始？重新开始会删除其最佳预测器、指标和评估结果。</translation>
    </message>
    <message>
        <location filename="../app/gui/training_dialog.cpp" line="420"/>
        <source>It has no checkpoint to continue from. Start over? That deletes its best predictor, metrics and evaluations.</source>
        <translation>没有可供继续的检查点。要重新开始吗？这会删除其最佳预测器、指标和评估结果。</translation>
    </message>
</context>
<context>
    <name>specmoe::gui::WelcomePage</name>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="51"/>
        <source>New Workspace…</source>
        <translation>新建工作区…</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="52"/>
        <source>Open Workspace…</source>
        <translation>打开工作区…</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="54"/>
        <source>Open Demo Workspace</source>
        <translation>打开演示工作区</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="56"/>
        <source>Collect Routing Traces…</source>
        <translation>采集路由轨迹…</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="58"/>
        <source>Train Expert Predictors…</source>
        <translation>训练专家预测器…</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="65"/>
        <source>Recent workspaces</source>
        <translation>最近的工作区</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="124"/>
        <source>SpecMoE Workbench</source>
        <translation>SpecMoE Workbench</translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="125"/>
        <source>Collect the expert routing of a Mixture-of-Experts model on your corpus, explore it, and train predictors that know ahead of time which experts the next layers need. Start with a workspace: a folder that holds trace sets, training runs and references to models.</source>
        <translation>在您的语料上采集混合专家模型的专家路由并进行探索，训练能够提前知道后续层需要哪些专家的预测器。从一个工作区开始：工作区是一个存放轨迹集、训练记录和模型引用的文件夹。</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/welcome_page.cpp" line="131"/>
        <source>%n trace set(s)</source>
        <translation>
            <numerusform>%n 个轨迹集</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/welcome_page.cpp" line="132"/>
        <source>%n training run(s)</source>
        <translation>
            <numerusform>%n 次训练</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/welcome_page.cpp" line="133"/>
        <source>%n simulation(s)</source>
        <translation>
            <numerusform>%n 个模拟</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/welcome_page.cpp" line="134"/>
        <source>%n model(s)</source>
        <translation>
            <numerusform>%n 个模型</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/welcome_page.cpp" line="135"/>
        <source>Open an entry of the workspace tree to see it, or start the next step below.</source>
        <translation>打开工作区树中的条目进行查看，或在下方开始下一步。</translation>
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
        <translation>完全一致集合</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="128"/>
        <source>Recall@%1</source>
        <translation>Recall@%1</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="130"/>
        <source>Log-loss</source>
        <translation>对数损失</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="132"/>
        <source>ECE</source>
        <translation>ECE</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="174"/>
        <source>baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="174"/>
        <source>trained</source>
        <translation>已训练</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="201"/>
        <source>Best at horizon +%1</source>
        <translation>跨度 +%1 最佳</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="213"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="215"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_model.cpp" line="217"/>
        <source>Horizon</source>
        <translation>跨度</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::ComparisonTableView</name>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="38"/>
        <source>Latest validation metrics over all predicted layers. Bold: best at that horizon (lowest for log-loss and ECE).</source>
        <translation>所有被预测层上的最新验证指标。粗体：该视距下的最佳值（对数损失和 ECE 取最低）。</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="40"/>
        <source>Model comparison: validation metrics</source>
        <translation>模型比较：验证指标</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="72"/>
        <source>All predicted layers</source>
        <translation>所有被预测层</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="79"/>
        <source>Predicted layer %1</source>
        <translation>被预测层 %1</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="94"/>
        <source>Model comparison</source>
        <translation>模型比较</translation>
    </message>
    <message>
        <location filename="../widgets/comparison_table_view.cpp" line="104"/>
        <source>%1, predicted layer %2</source>
        <translation>%1，被预测层 %2</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::ExportDialog</name>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="28"/>
        <location filename="../widgets/export_dialog.cpp" line="93"/>
        <source>Export image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="28"/>
        <location filename="../widgets/export_dialog.cpp" line="91"/>
        <source>Export data</source>
        <translation>导出数据</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="28"/>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="32"/>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="36"/>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="36"/>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="40"/>
        <source>PNG image</source>
        <translation>PNG 图像</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="41"/>
        <source>SVG vector image</source>
        <translation>SVG 矢量图</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="42"/>
        <source>PDF document</source>
        <translation>PDF 文档</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="43"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="67"/>
        <location filename="../widgets/export_dialog.cpp" line="68"/>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="69"/>
        <source> dpi</source>
        <translation> dpi</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="73"/>
        <source>Size:</source>
        <translation>尺寸：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="74"/>
        <source>Resolution:</source>
        <translation>分辨率：</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="89"/>
        <source>Report folder</source>
        <translation>报告文件夹</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="91"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../widgets/export_dialog.cpp" line="94"/>
        <source>Images (*.png *.svg *.pdf)</source>
        <translation>图像 (*.png *.svg *.pdf)</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::JobsModel</name>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="21"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="22"/>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="23"/>
        <source>Cancelling</source>
        <translation>正在取消</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="24"/>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="25"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="26"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="27"/>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="50"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="52"/>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="53"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="62"/>
        <source>%1 tokens/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="64"/>
        <source>%1 samples/s</source>
        <translation>%1 样本/秒</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="66"/>
        <source>%1 sequences/s</source>
        <translation>%1 序列/秒</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="68"/>
        <source>%1 steps/s</source>
        <translation>%1 步/秒</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="69"/>
        <source>%1/s</source>
        <translation>%1/秒</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="105"/>
        <source>Output: %1</source>
        <translation>输出：%1</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="121"/>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="123"/>
        <source>Running (%1)</source>
        <translation>运行中（%1）</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="127"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="150"/>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="151"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="152"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="153"/>
        <source>Rate</source>
        <translation>速率</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="154"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_model.cpp" line="155"/>
        <source>Elapsed</source>
        <translation>已用时间</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::JobsPanel</name>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="98"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="100"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="102"/>
        <source>Open result</source>
        <translation>打开结果</translation>
    </message>
    <message>
        <location filename="../widgets/jobs_panel.cpp" line="104"/>
        <source>Clear finished</source>
        <translation>清除已结束</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobs_panel.cpp" line="197"/>
        <source>%n running</source>
        <translation>
            <numerusform>%n 个运行中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/jobs_panel.cpp" line="198"/>
        <source>%n queued</source>
        <translation>
            <numerusform>%n 个排队</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::LogPanel</name>
    <message>
        <location filename="../widgets/log_panel.cpp" line="41"/>
        <source>All messages</source>
        <translation>所有消息</translation>
    </message>
    <message>
        <location filename="../widgets/log_panel.cpp" line="42"/>
        <source>Information and above</source>
        <translation>信息及以上</translation>
    </message>
    <message>
        <location filename="../widgets/log_panel.cpp" line="43"/>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <location filename="../widgets/log_panel.cpp" line="44"/>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <location filename="../widgets/log_panel.cpp" line="50"/>
        <source>Clear the log</source>
        <translation>清空日志</translation>
    </message>
    <message>
        <location filename="../widgets/log_panel.cpp" line="56"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::MemoryGauge</name>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="49"/>
        <source>not available</source>
        <translation>不可用</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="51"/>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="61"/>
        <source>Total: %1</source>
        <translation>总计：%1</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::MemoryPanel</name>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="186"/>
        <source>GPU %1: %2</source>
        <translation>GPU %1：%2</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="187"/>
        <source>Allocated by this process</source>
        <translation>本进程已分配</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="188"/>
        <source>Reserved by this process</source>
        <translation>本进程已保留</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="189"/>
        <source>Used on the device</source>
        <translation>设备上已用</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="192"/>
        <source>Workbench process</source>
        <translation>工作台进程</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="193"/>
        <source>Resident memory</source>
        <translation>常驻内存</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="195"/>
        <source>System memory</source>
        <translation>系统内存</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="196"/>
        <source>This process</source>
        <translation>本进程</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="197"/>
        <source>Used by all processes</source>
        <translation>所有进程已用</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="201"/>
        <source>Peak resident memory of the workbench: %1</source>
        <translation>工作台常驻内存峰值：%1</translation>
    </message>
    <message>
        <location filename="../widgets/memory_gauge.cpp" line="204"/>
        <source>No CUDA GPU found: jobs run on the CPU.</source>
        <translation>未找到 CUDA GPU：任务在 CPU 上运行。</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::RoutingPatternsView</name>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="106"/>
        <source>Source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="109"/>
        <source>Transition from layer:</source>
        <translation>起始层：</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="111"/>
        <source>distance:</source>
        <translation>距离：</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="114"/>
        <source>Co-activation layer:</source>
        <translation>共同激活层：</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="121"/>
        <source>Expert at layer l + d</source>
        <translation>第 l + d 层的专家</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="121"/>
        <source>Expert at layer l</source>
        <translation>第 l 层的专家</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="122"/>
        <source>Expert j</source>
        <translation>专家 j</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="122"/>
        <source>Expert i</source>
        <translation>专家 i</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="129"/>
        <source>P(next | current)</source>
        <translation>P(下一个 | 当前)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="130"/>
        <source>Share of tokens</source>
        <translation>词元占比</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="133"/>
        <source>Layer transitions</source>
        <translation>层间转移</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="134"/>
        <source>Co-activation</source>
        <translation>共同激活</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="154"/>
        <source>Routing entropy per layer</source>
        <translation>各层路由熵</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="155"/>
        <source>Consecutive-token repetition</source>
        <translation>相邻词元重复</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="166"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="169"/>
        <source>Entropy (bits)</source>
        <translation>熵（比特）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="170"/>
        <source>Rate of neighbouring tokens</source>
        <translation>相邻词元比率</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="178"/>
        <source>First choice</source>
        <translation>首选</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="179"/>
        <source>Any of top-k</source>
        <translation>top-k 中任一</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="180"/>
        <source>Maximum (uniform), log2 E</source>
        <translation>最大值（均匀），log2 E</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="181"/>
        <source>Most balanced layer</source>
        <translation>最均衡的层</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="184"/>
        <source>Same first choice</source>
        <translation>首选相同</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="185"/>
        <source>Random, 1/E</source>
        <translation>随机，1/E</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="186"/>
        <source>Expected from layer load</source>
        <translation>按层负载的期望值</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="187"/>
        <source>Top-k sets overlap</source>
        <translation>Top-k 集合重叠</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="188"/>
        <source>Random overlap</source>
        <translation>随机重叠</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="241"/>
        <source>Routing patterns</source>
        <translation>路由模式</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="356"/>
        <source>First-choice transitions, %1 to %2</source>
        <translation>首选转移，%1 到 %2</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="358"/>
        <source>Co-activation in top-%1 at %2 (off-diagonal)</source>
        <translation>%2的 top-%1 共同激活（非对角线）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="382"/>
        <source>max %1 bits at %2</source>
        <translation>最大 %1 比特（%2）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="420"/>
        <source>P(expert %1 at %2 | expert %3 at %4) = %5</source>
        <translation>P(%2的专家 %1 | %4的专家 %3) = %5</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="430"/>
        <source>Experts %1 and %2 together in the top-%3 at %4: %5 % of tokens</source>
        <translation>%4：专家 %1 和 %2 同时位于 top-%3 的词元占 %5 %</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="429"/>
        <source>Diagonal (an expert with itself) is not shown</source>
        <translation>不显示对角线（专家与自身）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="446"/>
        <source>Layer %1: entropy %2 bits (first), %3 bits (any); maximum %4</source>
        <translation>第 %1 层：熵 %2 比特（首选），%3 比特（任一）；最大值 %4</translation>
    </message>
    <message>
        <location filename="../widgets/routing_patterns_view.cpp" line="451"/>
        <source>Layer %1: same first choice %2 (random %3), overlap %4 (random %5)</source>
        <translation>第 %1 层：首选相同 %2（随机 %3），重叠 %4（随机 %5）</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::RoutingTextCanvas</name>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="180"/>
        <source>expert %1 (w %2)</source>
        <translation>专家 %1（权重 %2）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="184"/>
        <source>expert %1</source>
        <translation>专家 %1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="188"/>
        <source>&quot;%1&quot;  seq %2, position %3%4
Layer %5: %6</source>
        <translation>“%1”  序列 %2，位置 %3%4
第 %5 层：%6</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::RoutingTextView</name>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="295"/>
        <source>Layer 00 (MoE layer 00 of 00)</source>
        <translation>第 00 层（MoE 层 00 / 00）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="301"/>
        <source>top experts</source>
        <translation>高负载专家</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="302"/>
        <source>Colour only this expert&apos;s tokens (first choice at the layer); &quot;top experts&quot; colours the busiest ones.</source>
        <translation>仅为该专家的词元着色（该层的首选）；“高负载专家”为最繁忙的专家着色。</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="307"/>
        <source>Layer:</source>
        <translation>层：</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="311"/>
        <source>Highlight expert:</source>
        <translation>突出显示专家：</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="324"/>
        <source>Routing text</source>
        <translation>路由文本</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="383"/>
        <source>Layer %1 (MoE layer %2 of %3)</source>
        <translation>第 %1 层（MoE 层 %2 / %3）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="384"/>
        <source>Layer %1 / %2</source>
        <translation>第 %1 / %2 层</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="404"/>
        <source>First-choice expert:</source>
        <translation>首选专家：</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="406"/>
        <source>E%1</source>
        <translation>E%1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="415"/>
        <source>the other %1 experts (hover a token for its ids)</source>
        <translation>其余 %1 个专家（将鼠标悬停在词元上查看其 ID）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="417"/>
        <source>(others unmarked)</source>
        <translation>（其余未标记）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="419"/>
        <source>&lt;u&gt;underlined&lt;/u&gt;: generated (decode) tokens</source>
        <translation>&lt;u&gt;下划线&lt;/u&gt;：生成的（解码）词元</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="436"/>
        <source>Routing at %1 (token background = first-choice expert)</source>
        <translation>%1的路由（词元背景 = 首选专家）</translation>
    </message>
    <message>
        <location filename="../widgets/routing_text_view.cpp" line="444"/>
        <source>Expert %1</source>
        <translation>专家 %1</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::SimulationTableModel</name>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="108"/>
        <source>Predictor</source>
        <translation>预测器</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="109"/>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="110"/>
        <source>Cache (experts/layer)</source>
        <translation>缓存（专家/层）</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="111"/>
        <source>Cache GB</source>
        <translation>缓存 GB</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="112"/>
        <source>Link GB/s</source>
        <translation>链路 GB/s</translation>
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
        <translation>命中率</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="116"/>
        <source>Prefetch precision</source>
        <translation>预取精确率</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="117"/>
        <source>Prefetch recall</source>
        <translation>预取召回率</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="118"/>
        <source>MB/token</source>
        <translation>MB/词元</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="119"/>
        <source>Stall ms/token</source>
        <translation>停顿 ms/词元</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_table_model.cpp" line="120"/>
        <source>Tokens/s</source>
        <translation>词元/秒</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::SimulationView</name>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="66"/>
        <source>Policy:</source>
        <translation>策略：</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="67"/>
        <source>Budget m:</source>
        <translation>预算 m：</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="68"/>
        <source>Horizon h:</source>
        <translation>预测跨度 h：</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="70"/>
        <source>Hit rate at link:</source>
        <translation>链路带宽下的命中率：</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="71"/>
        <source>Tokens/s at cache:</source>
        <translation>缓存大小下的词元/秒：</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="96"/>
        <source>Cache size (experts per layer)</source>
        <translation>缓存大小（每层专家数）</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="97"/>
        <source>Hit rate</source>
        <translation>命中率</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="98"/>
        <source>Link bandwidth (GB/s)</source>
        <translation>链路带宽（GB/s）</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="99"/>
        <source>Modeled decode tokens/s</source>
        <translation>建模的解码词元/秒</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="152"/>
        <source>Cache and prefetch simulation</source>
        <translation>缓存与预取模拟</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/simulation_view.cpp" line="178"/>
        <location filename="../widgets/simulation_view.cpp" line="184"/>
        <source>%n expert(s) per layer</source>
        <translation>
            <numerusform>每层 %n 个专家</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/simulation_view.cpp" line="180"/>
        <source>%n layer(s) ahead</source>
        <translation>
            <numerusform>向前 %n 层</numerusform>
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
        <translation>未加载模拟。</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="227"/>
        <source>%1 tokens of %2 sequences (%3 split), batch %4 · %5, expert %6 MB (%7) · %8</source>
        <translation>%2 个序列中的 %1 个词元（%3 划分），批大小 %4 · %5，每个专家 %6 MB（%7）· %8</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="238"/>
        <source> · compute %1 ms per layer, measured from our runtime on %2 (%3)</source>
        <translation> · 计算 %1 ms/层，由我们的运行时在 %2 上测得（%3）</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="243"/>
        <source> · compute %1 ms per layer (given)</source>
        <translation> · 计算 %1 ms/层（给定）</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="248"/>
        <source>At %1 experts per layer and %2 GB/s: no prefetch %3 tokens/s, oracle %4; the best predictor, %5, reaches %6</source>
        <translation>每层 %1 个专家、%2 GB/s 时：不预取 %3 词元/秒，预言机 %4；最佳预测器 %5 达到 %6</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="259"/>
        <source> (the oracle gains under 1%: prefetching cannot help here).</source>
        <translation>（预言机的提升不足 1%：此处预取无济于事）。</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="262"/>
        <source>: every predictor is slower than no prefetching here.</source>
        <translation>：此处每个预测器都比不预取更慢。</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="265"/>
        <source>, beyond the oracle: its plan also keeps experts in the cache, which the oracle&apos;s only orders fetches for (the oracle bounds prediction, not caching).</source>
        <translation>，超过了预言机：它的计划还会把专家保留在缓存中，而预言机的计划只安排加载（预言机限定的是预测，而不是缓存）。</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="269"/>
        <source> and closes %1% of the gap.</source>
        <translation>，弥合了 %1% 的差距。</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="280"/>
        <source>Hit rate vs cache size (%1, link %2 GB/s)</source>
        <translation>命中率随缓存大小变化（%1，链路 %2 GB/s）</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/simulation_view.cpp" line="282"/>
        <source>Decode tokens/s vs link bandwidth (cache %n expert(s) per layer)</source>
        <translation>
            <numerusform>解码词元/秒随链路带宽变化（缓存每层 %n 个专家）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="378"/>
        <source>%1, %2, cache %3 experts/layer (%4 GB), link %5 GB/s</source>
        <translation>%1，%2，缓存每层 %3 个专家（%4 GB），链路 %5 GB/s</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="385"/>
        <source>, m %1, h %2</source>
        <translation>，m %1，h %2</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="386"/>
        <source>: hit rate %1%, %2 tokens/s, stall %3 ms/token, %4 MB/token</source>
        <translation>：命中率 %1%，%2 词元/秒，停顿 %3 ms/词元，%4 MB/词元</translation>
    </message>
    <message>
        <location filename="../widgets/simulation_view.cpp" line="392"/>
        <source>, prefetch precision %1, recall %2</source>
        <translation>，预取精确率 %1，召回率 %2</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::TokenJourneyView</name>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="237"/>
        <source>Token text, e.g. def</source>
        <translation>词元文本，例如 def</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="241"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="246"/>
        <source>Sequence:</source>
        <translation>序列：</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="248"/>
        <source>First token:</source>
        <translation>首个词元：</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="250"/>
        <source>Tokens:</source>
        <translation>词元：</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="253"/>
        <source>All experts</source>
        <translation>所有专家</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="254"/>
        <source>Experts on these paths</source>
        <translation>这些路径上的专家</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="255"/>
        <source>Rows of the expert axis: every expert id, or only the experts the shown journeys visit (first and second choice), labelled with their ids.</source>
        <translation>专家轴的行：显示每个专家 ID，或仅显示所示路径经过的专家（首选和次选），并标注其 ID。</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="257"/>
        <source>Rows:</source>
        <translation>行：</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="269"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="270"/>
        <location filename="../widgets/token_journey_view.cpp" line="530"/>
        <source>Expert (first choice: line and filled marker; second: hollow)</source>
        <translation>专家（首选：折线与实心标记；次选：空心）</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="275"/>
        <source>First choice (size = weight)</source>
        <translation>首选（大小 = 权重）</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="277"/>
        <source>Second choice (size = weight)</source>
        <translation>次选（大小 = 权重）</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="281"/>
        <source>Search results</source>
        <translation>搜索结果</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="284"/>
        <source>Generated (decode) token</source>
        <translation>生成的（解码）词元</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="294"/>
        <location filename="../widgets/token_journey_view.cpp" line="326"/>
        <location filename="../widgets/token_journey_view.cpp" line="537"/>
        <source>Token journeys</source>
        <translation>词元路径</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="442"/>
        <source>Searching...</source>
        <translation>正在搜索...</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="462"/>
        <source>&quot;%1&quot;: %2 of %3 occurrence(s) shown</source>
        <translation>“%1”：显示 %3 处中的 %2 处</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="522"/>
        <source>size = weight</source>
        <translation>大小 = 权重</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="522"/>
        <source>no router weights in this trace</source>
        <translation>此轨迹中没有路由权重</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="523"/>
        <source>First choice (%1)</source>
        <translation>首选（%1）</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="524"/>
        <source>Second choice (%1)</source>
        <translation>次选（%1）</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="529"/>
        <source>Expert id (only those on these paths)</source>
        <translation>专家 ID（仅限这些路径上的专家）</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="539"/>
        <source>Token journeys: sequence %1, tokens %2-%3</source>
        <translation>词元路径：序列 %1，词元 %2-%3</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="544"/>
        <source> (generated from %1: dashed)</source>
        <translation> （从 %1 起为生成的词元：虚线）</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="544"/>
        <source> (generated: dashed)</source>
        <translation> （生成的词元：虚线）</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="546"/>
        <source>; search &quot;%1&quot; (%2 shown)</source>
        <translation>；搜索“%1”（显示 %2 个）</translation>
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
        <translation>“%1”（序列 %2，位置 %3%4）%5：%6</translation>
    </message>
    <message>
        <location filename="../widgets/token_journey_view.cpp" line="592"/>
        <source>, search</source>
        <translation>，搜索</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::TraceSetViews</name>
    <message>
        <location filename="../widgets/trace_set_views.cpp" line="11"/>
        <source>Routing analysis</source>
        <translation>路由分析</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::TrainingCurvesView</name>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="70"/>
        <location filename="../widgets/training_curves_view.cpp" line="93"/>
        <location filename="../widgets/training_curves_view.cpp" line="242"/>
        <source>Step</source>
        <translation>步</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="71"/>
        <location filename="../widgets/training_curves_view.cpp" line="242"/>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="73"/>
        <source>Metric:</source>
        <translation>指标：</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="75"/>
        <source>Horizon:</source>
        <translation>跨度：</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="77"/>
        <source>Layer:</source>
        <translation>层：</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="79"/>
        <source>X axis:</source>
        <translation>X 轴：</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="94"/>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="113"/>
        <source>Validation accuracy</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="141"/>
        <source>Training curves</source>
        <translation>训练曲线</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="171"/>
        <source>+%1 layer(s)</source>
        <translation>+%1 层</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="172"/>
        <source>All layers</source>
        <translation>所有层</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="174"/>
        <source>Layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="246"/>
        <source>Validation %1, horizon +%2, all layers</source>
        <translation>验证 %1，跨度 +%2，所有层</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="247"/>
        <source>Validation %1, horizon +%2, layer %3</source>
        <translation>验证 %1，跨度 +%2，第 %3 层</translation>
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
        <translation>%1（基线）</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="430"/>
        <source>%1 %2: %3</source>
        <translation>%1 %2：%3</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="431"/>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <location filename="../widgets/training_curves_view.cpp" line="431"/>
        <source>step</source>
        <translation>步</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::TrainingRunViews</name>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="16"/>
        <source>Training run</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="33"/>
        <source>Training run %1</source>
        <translation>训练 %1</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="51"/>
        <source>Evaluation of the best checkpoint on the %1 split (%2 tokens). Bold: best at that horizon (lowest for log-loss and ECE).</source>
        <translation>最佳检查点在%1划分上的评估（%2 个词元）。粗体：该视距下的最佳值（对数损失和 ECE 取最低）。</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="60"/>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="62"/>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="64"/>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="66"/>
        <source>whole</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../widgets/training_run_views.cpp" line="54"/>
        <source>Model comparison: %1 split</source>
        <translation>模型比较：%1划分</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::UsageHeatmapView</name>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="32"/>
        <source>First choice</source>
        <translation>首选</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="33"/>
        <source>Any of top-k</source>
        <translation>top-k 中任一</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="34"/>
        <source>Source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="37"/>
        <source>Choice:</source>
        <translation>选择：</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="41"/>
        <source>By expert id</source>
        <translation>按专家 ID</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="42"/>
        <source>By load, all layers</source>
        <translation>按负载，所有层</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="43"/>
        <source>By load at the selected layer</source>
        <translation>按所选层的负载</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="44"/>
        <source>Row order: with many experts, sorting by the share summed over the layers shows which experts carry the load; hover a row for its id.</source>
        <translation>行顺序：专家较多时，按各层占比之和排序可显示哪些专家承担了负载；将鼠标悬停在行上可查看其 ID。</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="46"/>
        <source>Rows:</source>
        <translation>行：</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="59"/>
        <source>Share of tokens</source>
        <translation>词元占比</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="66"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="67"/>
        <location filename="../widgets/usage_heatmap_view.cpp" line="250"/>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="88"/>
        <location filename="../widgets/usage_heatmap_view.cpp" line="208"/>
        <source>Click a cell to list its tokens.</source>
        <translation>点击单元格以列出其词元。</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="103"/>
        <source>Wheel: zoom, drag: pan, double click: fit all</source>
        <translation>滚轮：缩放，拖动：平移，双击：显示全部</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="137"/>
        <source>Expert usage</source>
        <translation>专家使用</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="206"/>
        <source>Any of top-%1</source>
        <translation>top-%1 中任一</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="252"/>
        <source>Expert (rows by load over all layers, busiest first)</source>
        <translation>专家（按所有层的负载排列行，最繁忙的在前）</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="254"/>
        <source>Expert (rows by load at decoder layer %1, busiest first)</source>
        <translation>专家（按解码器第 %1 层的负载排列行，最繁忙的在前）</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="262"/>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="264"/>
        <source>Expert usage by layer: first choice (%1)</source>
        <translation>各层专家使用：首选（%1）</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="265"/>
        <source>Expert usage by layer: any of top-%1 (%2)</source>
        <translation>各层专家使用：top-%1 中任一（%2）</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="289"/>
        <source>, load rank %1 of %2</source>
        <translation>，负载排名 %1 / %2</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="290"/>
        <source>Expert %1 at %2%3: share %4 (%5 % of tokens, %6 tokens)</source>
        <translation>%2的专家 %1%3：占比 %4（%5 % 的词元，%6 个词元）</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets/usage_heatmap_view.cpp" line="328"/>
        <source>Expert %1 at %2: %n sampled token(s) (all sources)</source>
        <translation>
            <numerusform>%2的专家 %1：%n 个采样词元（所有来源）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="335"/>
        <source>&quot;%1&quot;  seq %2 pos %3  rank %4</source>
        <translation>“%1”  序列 %2 位置 %3  排名 %4</translation>
    </message>
    <message>
        <location filename="../widgets/usage_heatmap_view.cpp" line="337"/>
        <source>  w %1</source>
        <translation>  权重 %1</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::ViewTabs</name>
    <message>
        <location filename="../widgets/view_tabs.cpp" line="17"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../widgets/view_tabs.cpp" line="20"/>
        <source>Current view as image...</source>
        <translation>将当前视图导出为图像...</translation>
    </message>
    <message>
        <location filename="../widgets/view_tabs.cpp" line="21"/>
        <source>Current view data as CSV...</source>
        <translation>将当前视图数据导出为 CSV...</translation>
    </message>
    <message>
        <location filename="../widgets/view_tabs.cpp" line="23"/>
        <source>Report of all views...</source>
        <translation>所有视图的报告...</translation>
    </message>
</context>
<context>
    <name>specmoe::widgets::WorkspaceModel</name>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="64"/>
        <source>Trace sets</source>
        <translation>轨迹集</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="65"/>
        <source>Training runs</source>
        <translation>训练记录</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="66"/>
        <source>Simulations</source>
        <translation>模拟</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="67"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="71"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="239"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../widgets/workspace_model.cpp" line="239"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
</context>
</TS>
