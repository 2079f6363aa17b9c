#pragma once
// One rule for token texts. Traces and analyses record a tokenizer's raw pieces
// (SentencePiece: "▁the" for " the", "<0x0A>" for a byte; byte-level BPE tokens of a
// tokenizer.json in the same notation, Tokenizer::recordedPiece), in the CLI's files and the
// workbench's alike: they keep word starts and bytes visible in CSV and JSON. Views turn
// them into text with pieceDisplayText; queries match with or without the word start.
#include <string>

namespace specmoe {

// U+2581 "▁", SentencePiece's word start (a space before the word).
inline constexpr char kSpaceMarker[] = "\xE2\x96\x81";

// The piece as text: each "▁" a space, a byte piece "<0xNN>" that byte; others unchanged.
std::string pieceDisplayText(const std::string& piece);

// The piece without one leading word start ("▁" or a space).
std::string withoutWordStart(const std::string& piece);

} // namespace specmoe
