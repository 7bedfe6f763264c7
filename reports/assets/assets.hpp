// The HTML report's template, style and script (report.html, report.css,
// report.js beside this header), compiled into the library at build time by
// embed.cmake, so report.html needs no file but the sweep binary.
#pragma once

#include <string_view>

namespace sweep::reports::assets {

std::string_view report_html();  // the page, with {{name}} placeholders
std::string_view report_css();
std::string_view report_js();

}  // namespace sweep::reports::assets
