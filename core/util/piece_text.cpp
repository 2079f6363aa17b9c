#include "core/util/piece_text.h"

#include <cstring>

namespace specmoe {

namespace {
int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}
} // namespace

std::string pieceDisplayText(const std::string& piece)
{
    if (piece.size() == 6 && piece.compare(0, 3, "<0x") == 0 && piece[5] == '>') {
        const int hi = hexDigit(piece[3]), lo = hexDigit(piece[4]);
        if (hi >= 0 && lo >= 0)
            return std::string(1, char(hi * 16 + lo));
    }
    const size_t n = std::strlen(kSpaceMarker);
    std::string out;
    out.reserve(piece.size());
    for (size_t i = 0; i < piece.size();) {
        if (piece.compare(i, n, kSpaceMarker) == 0) {
            out.push_back(' ');
            i += n;
        } else {
            out.push_back(piece[i++]);
        }
    }
    return out;
}

std::string withoutWordStart(const std::string& piece)
{
    const size_t n = std::strlen(kSpaceMarker);
    if (piece.compare(0, n, kSpaceMarker) == 0)
        return piece.substr(n);
    if (!piece.empty() && piece[0] == ' ')
        return piece.substr(1);
    return piece;
}

} // namespace specmoe
