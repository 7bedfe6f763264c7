// Classification sets as NumPy users save them: an .npz archive (np.savez or
// np.savez_compressed) with features and labels under given keys, or a pair
// of .npy files. Features: float32, float64, (u)int8/16/32/64 or bool arrays of
// shape (rows, ...), flattened per row; labels: class indices (rows,) or
// (rows, 1), or one-hot rows (rows, classes). Little-endian, C order (or
// Fortran order up to 2 dimensions); object (pickled), string, structured and
// big-endian arrays are refused with one line saying how to save them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/datasets/dataset.hpp"
#include "engine/datasets/preparation.hpp"

namespace sweep::engine {

struct NumpyOptions {
  // npz: the archive and the keys of its arrays. The test arrays are used
  // when the archive holds them (an error when named explicitly and absent).
  std::string path;
  std::string x = "x";
  std::string y = "y";
  std::string x_test = "x_test";
  std::string y_test = "y_test";
  bool test_keys_given = false;  // x_test / y_test named in the spec: required
  // npy: the labels file (path is the features file) and an optional test pair.
  std::string y_path;
  std::string test_path;
  std::string test_y_path;

  std::size_t train_limit = 0;  // the first rows only; 0 = all
  double validation_split = 0.1;
  SplitMode split_mode = SplitMode::stratified;
  std::uint64_t seed = 0;
  Missing missing = Missing::error;  // NaN features
  Normalization normalize = Normalization::standard;
};

// Throws DatasetError naming the file (and the array's key) and what is wrong.
Dataset load_npz(const NumpyOptions& options);
Dataset load_npy(const NumpyOptions& options);

namespace detail {

// One array of a .npy file: its shape, and its values read in C order
// whatever the file's order. Keeps the file's bytes.
class NpyArray {
 public:
  // Parses the bytes of a whole .npy file; `what` names it in messages.
  NpyArray(std::vector<std::uint8_t> bytes, std::string what);
  const std::vector<std::size_t>& shape() const { return shape_; }
  std::size_t size() const { return size_; }
  bool integral() const { return kind_ != 'f'; }
  // Element `i` in C order, as a double (exact for integers below 2^53).
  double at(std::size_t i) const;
  const std::string& what() const { return what_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::string what_;
  std::vector<std::size_t> shape_;
  std::size_t size_ = 0;
  std::size_t offset_ = 0;  // of the data in bytes_
  char kind_ = 'f';         // f, i, u, b
  std::size_t item_ = 4;    // bytes per element
  bool fortran_ = false;
};

// The members of a zip archive (stored or deflated, zip64 included) by name,
// each read whole. Throws DatasetError for what is not a readable zip.
std::vector<std::pair<std::string, std::vector<std::uint8_t>>> read_zip(const std::string& path);

}  // namespace detail
}  // namespace sweep::engine
