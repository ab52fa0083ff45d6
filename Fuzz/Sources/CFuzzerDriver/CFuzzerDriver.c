// Declarations only (include/CFuzzerDriver.h); SwiftPM needs a source file to build a C target.
#include "CFuzzerDriver.h"
