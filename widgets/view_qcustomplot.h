#pragma once
// QCustomPlot for the views. Its header uses the Qt keywords `signals` and `foreach`, which
// QT_NO_KEYWORDS (needed beside libtorch) switches off: map them to the macros just for the
// include, then drop them again.
#include <QtGlobal>

#ifdef QT_NO_KEYWORDS
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
#else
#include <qcustomplot.h>
#endif
