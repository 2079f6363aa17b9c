// Numbers in files and on command lines keep a decimal point whatever the process locale (the
// workbench's QApplication sets it from the environment).
#include "core/data/source_spec.h"
#include "core/util/c_number.h"

#include <gtest/gtest.h>

#include <clocale>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

using namespace specmoe;

namespace {

// Switches LC_NUMERIC to a decimal-comma locale for its lifetime (scripts/setup.sh generates
// de_DE.UTF-8); false when none is installed.
class CommaLocale {
public:
    CommaLocale() : m_was(std::setlocale(LC_NUMERIC, nullptr))
    {
        for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"})
            if (std::setlocale(LC_NUMERIC, name)) {
                m_active = true;
                return;
            }
    }
    ~CommaLocale() { std::setlocale(LC_NUMERIC, m_was.c_str()); }
    bool active() const { return m_active; }

private:
    std::string m_was;
    bool m_active = false;
};

void expectPointNumbers()
{
    EXPECT_EQ(cNumber(0.5), "0.5");
    EXPECT_EQ(cNumber(1234567.0), "1.23457e+06");
    EXPECT_EQ(cNumber(-2.0), "-2");
    EXPECT_EQ(cNumber(1e-7), "1e-07");
    EXPECT_EQ(cNumber(0.123456789, 3), "0.123");
    EXPECT_EQ(cNumber(std::numeric_limits<double>::infinity()), "inf");
    EXPECT_EQ(cNumber(std::nan("")), "nan");
    double v = 0;
    EXPECT_TRUE(parseCNumber("0.25", v));
    EXPECT_EQ(v, 0.25);
    EXPECT_TRUE(parseCNumber("+3", v));
    EXPECT_EQ(v, 3.0);
    EXPECT_TRUE(parseCNumber("1e3", v));
    EXPECT_EQ(v, 1000.0);
    for (const char* bad : {"", "0,25", "0.25x", " 1", "1 ", "+", "1e999"})
        EXPECT_FALSE(parseCNumber(bad, v)) << bad;
    EXPECT_EQ(parseSourceSpec("web=corpus.jsonl@0.25").weight, 0.25);
}

} // namespace

TEST(CNumber, WritesAndReadsWithAPoint) { expectPointNumbers(); }

TEST(CNumber, ADecimalCommaLocaleChangesNothing)
{
    CommaLocale comma;
    if (!comma.active())
        GTEST_SKIP() << "no decimal-comma locale installed (scripts/setup.sh generates de_DE.UTF-8)";
    char printed[32];
    std::snprintf(printed, sizeof printed, "%.6g", 0.5);
    ASSERT_STREQ(printed, "0,5"); // the locale is active: printf itself would write a comma
    expectPointNumbers();
}
