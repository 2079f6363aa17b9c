// specmoe info: build and runtime facts, and a model's summary with --model.
#include "app/cli/command.h"
#include "core/collect/collector.h"
#include "core/specmoe_core.h"
#include "core/util/blas_kernels.h"

#include <iostream>

namespace specmoe::cli {
namespace {

std::string gib(int64_t bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GiB", double(bytes) / (1024.0 * 1024.0 * 1024.0));
    return buf;
}

int runInfo(const ArgParser& a)
{
    setThreads(static_cast<int>(a.getInt("threads", 0, kMaxThreads)));
    const BuildInfo b = buildInfo();
    std::cout << "specmoe          " << b.version << "\n"
              << "libtorch         " << b.torchVersion
              << (b.cudaCompiled ? " (CUDA build)" : " (CPU build)") << "\n"
              << "CUDA devices     " << b.cudaDevices.size() << "\n";
    for (const auto& d : b.cudaDevices)
        std::cout << "  cuda:" << d.index << "  " << d.name << "  total " << gib(d.totalBytes)
                  << ", free " << gib(d.freeBytes) << "\n";
    // What --dtype auto (the collection default) computes in on this machine, and why.
    const ResolvedDType cpuAuto = resolveComputeDType(ComputeDType::Auto, false);
    std::cout << "compute dtype    " << cpuAuto.reason << "; auto on CUDA: bfloat16\n"
              << "BLAS             " << b.blas << "\n";
    const BlasKernels kernels = blasKernels();
    if (!kernels.core.empty())
        std::cout << "BLAS kernels     " << kernels.core
                  << (kernels.forced ? " (chosen by OPENBLAS_CORETYPE)" : " (detected)") << "\n";
    if (!kernels.hint.empty())
        std::cout << "  hint: " << kernels.hint << "\n";
    std::cout
              << "threads          " << b.threads << "\n"
              << "HDF5             " << b.hdf5Version << "\n"
              << "SentencePiece    " << b.sentencepieceVersion << "\n"
#ifdef SPECMOE_QT_VERSION
              << "Qt               " << SPECMOE_QT_VERSION << "\n"
#else
              << "Qt               not built (SPECMOE_BUILD_GUI=OFF)\n"
#endif
        ;
    if (a.has("model"))
        return printModelInfo(a.get("model"), parseOption<ComputeDType>(a, "dtype", parseDType));
    return kOk;
}

} // namespace

SPECMOE_COMMAND("info", "show build, runtime and (with --model) checkpoint facts",
                [](ArgParser& p) {
                    p.option("threads", "N", "intra-op threads (0 = all cores)", "0");
                    p.option("model", "DIR", "a checkpoint folder (hub layout) to describe; config.json alone is enough for its parameter and memory figures");
                    p.option("dtype", "TYPE", "compute dtype for memory estimates", dtypeName(CollectParams{}.dtype));
                },
                runInfo);

} // namespace specmoe::cli
