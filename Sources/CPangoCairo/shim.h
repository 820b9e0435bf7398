// cairo (PDF surfaces) and pango (text layout: wrapping, shaping, fonts) for the BAK document. Only SurelDocuments
// imports this module.
#include <pango/pangocairo.h>
#include <cairo-pdf.h>
