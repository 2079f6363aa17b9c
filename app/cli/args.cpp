#include "app/cli/args.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace specmoe::cli {

ArgParser::ArgParser(std::string program, std::string summary)
    : m_program(std::move(program)), m_summary(std::move(summary))
{
}

void ArgParser::option(const std::string& name, const std::string& metavar,
                       const std::string& help, const std::string& def)
{
    m_opts.push_back({name, metavar, help, def, false, false});
}

void ArgParser::multiOption(const std::string& name, const std::string& metavar,
                            const std::string& help)
{
    m_opts.push_back({name, metavar, help, {}, false, true});
}

void ArgParser::flag(const std::string& name, const std::string& help)
{
    m_opts.push_back({name, {}, help, {}, true, false});
}

void ArgParser::positional(const std::string& name, const std::string& help, bool required)
{
    m_pos.push_back({name, help, required, false});
}

void ArgParser::positionalList(const std::string& name, const std::string& help, bool required)
{
    m_pos.push_back({name, help, required, true});
}

const ArgParser::Opt* ArgParser::find(const std::string& name) const
{
    for (const auto& o : m_opts)
        if (o.name == name)
            return &o;
    return nullptr;
}

std::string ArgParser::unexpectedArgument(const std::string& arg) const
{
    // A stray word used to be ignored, so a typo such as `train --traces a b` silently
    // trained on `a` alone.
    std::string accepted;
    for (const auto& p : m_pos)
        accepted += (accepted.empty() ? "" : " ") + std::string(p.required ? "<" : "[") + p.name +
                    (p.required ? ">" : "]") + (p.list ? "..." : "");
    return "unexpected argument '" + arg + "' (" + m_program +
           (accepted.empty() ? " takes options only" : " takes " + accepted + " besides options") + ")";
}

void ArgParser::parse(const std::vector<std::string>& args)
{
    size_t posIndex = 0;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            m_help = true;
            continue;
        }
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            std::string name = a.substr(2), value;
            bool hasValue = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                hasValue = true;
            }
            const Opt* o = find(name);
            if (!o)
                throw UsageError("unknown option --" + name);
            if (o->isFlag) {
                if (hasValue)
                    throw UsageError("option --" + name + " takes no value");
                m_values[name].push_back("1");
                continue;
            }
            if (!hasValue) {
                if (i + 1 >= args.size())
                    throw UsageError("option --" + name + " needs a value (" + o->metavar + ")");
                value = args[++i];
            }
            if (o->multi)
                m_values[name].push_back(value);
            else
                m_values[name] = {value};
            continue;
        }
        if (posIndex < m_pos.size() && m_pos[posIndex].list)
            m_listValues.push_back(a); // a list takes every word left, and stays the current positional
        else if (posIndex < m_pos.size())
            m_posValues[m_pos[posIndex++].name] = a;
        else
            throw UsageError(unexpectedArgument(a));
    }
    if (m_help)
        return;
    for (size_t i = posIndex; i < m_pos.size(); ++i)
        if (m_pos[i].required && !(m_pos[i].list && !m_listValues.empty()))
            throw UsageError("missing argument <" + m_pos[i].name + ">");
}

std::string ArgParser::help() const
{
    std::ostringstream s;
    s << "usage: " << m_program;
    if (!m_opts.empty())
        s << " [options]";
    for (const auto& p : m_pos)
        s << (p.required ? " <" : " [") << p.name << (p.required ? ">" : "]") << (p.list ? "..." : "");
    s << "\n\n" << m_summary << "\n";
    if (!m_pos.empty()) {
        s << "\narguments:\n";
        for (const auto& p : m_pos)
            s << "  " << p.name << "\n      " << p.help << "\n";
    }
    s << "\noptions:\n  -h, --help\n      show this help\n";
    for (const auto& o : m_opts) {
        s << "  --" << o.name;
        if (!o.isFlag)
            s << ' ' << o.metavar;
        s << "\n      " << o.help;
        if (o.multi)
            s << " (repeatable)";
        if (!o.def.empty())
            s << " [default: " << o.def << "]";
        s << "\n";
    }
    return s.str();
}

bool ArgParser::has(const std::string& name) const { return m_values.count(name) > 0; }

std::string ArgParser::get(const std::string& name) const
{
    auto it = m_values.find(name);
    if (it != m_values.end() && !it->second.empty())
        return it->second.back();
    if (const Opt* o = find(name))
        return o->def;
    return {};
}

std::vector<std::string> ArgParser::getAll(const std::string& name) const
{
    auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

int64_t ArgParser::getInt(const std::string& name) const
{
    const std::string v = get(name);
    try {
        size_t used = 0;
        const long long x = std::stoll(v, &used);
        if (used != v.size())
            throw std::invalid_argument(v);
        return x;
    } catch (const std::exception&) {
        throw UsageError("option --" + name + " expects an integer, got '" + v + "'");
    }
}

double ArgParser::getDouble(const std::string& name) const
{
    const std::string v = get(name);
    try {
        size_t used = 0;
        const double x = std::stod(v, &used);
        if (used != v.size())
            throw std::invalid_argument(v);
        return x;
    } catch (const std::exception&) {
        throw UsageError("option --" + name + " expects a number, got '" + v + "'");
    }
}

namespace {

std::string boundText(double x)
{
    return std::isinf(x) ? std::string() : shortestNumber(x);
}

} // namespace

int64_t ArgParser::getInt(const std::string& name, int64_t lo, int64_t hi) const
{
    const int64_t x = getInt(name);
    if (x < lo || x > hi)
        throw UsageError("option --" + name + ": " + get(name) + " is out of range (accepted: " +
                         (hi == INT64_MAX ? "an integer >= " + std::to_string(lo)
                                          : "an integer from " + std::to_string(lo) + " to " + std::to_string(hi)) +
                         ")");
    return x;
}

double ArgParser::getDouble(const std::string& name, double lo, double hi, bool loExclusive) const
{
    const double x = getDouble(name);
    const bool lowOk = loExclusive ? x > lo : x >= lo;
    if (!std::isfinite(x) || !lowOk || x > hi) {
        std::string range = "a number " + std::string(loExclusive ? "> " : ">= ") + boundText(lo);
        if (!std::isinf(hi))
            range += " and <= " + boundText(hi);
        throw UsageError("option --" + name + ": " + get(name) + " is out of range (accepted: " + range + ")");
    }
    return x;
}

std::string shortestNumber(double x)
{
    char buf[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, x);
        if (std::strtod(buf, nullptr) == x)
            break;
    }
    return buf;
}

std::vector<int> parseIntList(const std::string& text, const std::string& option, int lo, int hi)
{
    std::vector<int> out;
    std::stringstream s(text);
    std::string item;
    while (std::getline(s, item, ',')) {
        if (item.empty())
            continue;
        size_t used = 0;
        long long x = 0;
        try {
            x = std::stoll(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != item.size() || used == 0 || x < lo || x > hi)
            throw UsageError("option --" + option + ": '" + item + "' is not a number in " + std::to_string(lo) +
                             ".." + std::to_string(hi));
        out.push_back(int(x));
    }
    return out;
}

bool ArgParser::flagSet(const std::string& name) const { return has(name); }

std::vector<std::string> ArgParser::positionalValues(const std::string& name) const
{
    for (const auto& p : m_pos)
        if (p.list && p.name == name)
            return m_listValues;
    return {};
}

std::string ArgParser::positionalValue(const std::string& name) const
{
    auto it = m_posValues.find(name);
    return it == m_posValues.end() ? std::string{} : it->second;
}

} // namespace specmoe::cli
