#pragma once
// Numbers in files and on command lines, independent of the C locale: the workbench's
// QApplication sets the process locale from the environment (setlocale(LC_ALL, "")), and under
// a decimal-comma locale printf's "%g" wrote "0,5" into comma-separated files and strtod read
// "0.5" as 0.
#include <string>

namespace specmoe {

// v as printf's "%.<digits>g" writes it in the C locale ("0.5", "1e-07", "inf", "nan").
std::string cNumber(double v, int digits = 6);

// The whole of s as a C-locale decimal ("0.5", "-2", "1e3"); false when s is empty, has
// anything else in it, or is out of range.
bool parseCNumber(const std::string& s, double& out);

} // namespace specmoe
