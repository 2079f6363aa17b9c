#include "core/speculate/folder_swap.h"

#include "core/util/atomic_file.h"
#include "core/util/error.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace specmoe::speculate {

namespace {

bool exists(const std::string& p)
{
    std::error_code ec;
    return fs::exists(fs::symlink_status(p, ec));
}

void removeAll(const std::string& p, const std::string& why)
{
    std::error_code ec;
    fs::remove_all(p, ec);
    if (ec)
        throw Error(p + ": cannot remove " + why + " (" + ec.message() + ")");
}

} // namespace

void replaceFolder(const std::string& dir, const std::string& what, const std::function<void(const std::string&)>& write)
{
    const std::string tmp = dir + ".tmp", old = dir + ".old";
    removeAll(tmp, "the unfinished copy of an earlier write");
    try {
        write(tmp);
    } catch (const std::exception& e) {
        std::error_code ec;
        fs::remove_all(tmp, ec); // half a copy helps no one; DIR is untouched
        throw Error("cannot write " + what + " to " + tmp + ": " + e.what() + "; " +
                    (exists(dir) ? dir + " is kept as it was" : "nothing was replaced"));
    }
    // DIR.old holds the previous copy while DIR is missing: recoverFolder() puts it back.
    removeAll(old, "the previous copy of an earlier swap");
    if (exists(dir))
        renameDurable(dir, old);
    renameDurable(tmp, dir);
    removeAll(old, "the previous copy");
}

std::string completeFolder(const std::string& dir, const IsComplete& complete)
{
    if (complete(dir))
        return dir;
    if (complete(dir + ".old"))
        return dir + ".old";
    return {};
}

void recoverFolder(const std::string& dir, const IsComplete& complete)
{
    const std::string old = dir + ".old";
    if (!complete(dir) && complete(old)) {
        removeAll(dir, "the incomplete copy (" + old + " is complete and takes its place)");
        renameDurable(old, dir);
    }
    if (complete(dir))
        removeAll(old, "the previous copy of an interrupted swap");
    removeAll(dir + ".tmp", "the unfinished copy of an interrupted write");
}

} // namespace specmoe::speculate
