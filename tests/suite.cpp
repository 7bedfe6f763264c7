// The source of every test executable (tests/CMakeLists.txt,
// sweep_test_suite): its test cases are linked in whole from the suite's
// library, after sweep's own libraries, and main() comes from Catch2.
namespace sweep::test {
[[maybe_unused]] constexpr const char* kSuite = "sweep tests";
}  // namespace sweep::test
