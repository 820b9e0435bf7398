// Mailutils headers for Swift. Only SurelMail imports this module (see SurelMail/Mailutils.swift,
// which is the one place that calls into it).
#ifndef SUREL_CMAILUTILS_SHIM_H
#define SUREL_CMAILUTILS_SHIM_H
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mailutils/mailutils.h>

// Swift cannot import function-like macros; these wrap the ones SurelMail uses.

/// The RFC 5322 date format string Mailutils ships as a macro.
static inline const char *surel_mu_rfc822_datetime_format(void) {
    return MU_DATETIME_SCAN_RFC822;
}

/// timegm is a glibc extension; keep it out of Swift's overlay questions.
static inline long long surel_timegm(struct tm *tm) {
    return (long long)timegm(tm);
}
#endif
