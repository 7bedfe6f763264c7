#include "reports/records.hpp"
