// NumPy's .npz: a zip archive of .npy files, as np.savez writes it and
// np.load reads it. Each array is an entry NAME.npy in the .npy format
// version 1.0 (NumPy's "format" documentation: the magic string "\x93NUMPY",
// the version, a little-endian header length, then a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (...), } padded with
// spaces and a newline so that the data starts on a multiple of 64 bytes),
// float32 little-endian in C order. Other entries are stored as given (np.load
// returns them as bytes). libzip writes the archive.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace sweep::runner {

struct NpyArray {
  std::string name;  // the entry is NAME.npy; np.load's key is NAME
  std::vector<std::int64_t> shape;
  std::span<const float> values;  // product of shape values, C order
};

// The bytes of one .npy file.
std::string npy_bytes(const NpyArray& array);

// Writes `path` (replacing it): the arrays, then the `extra` entries (name,
// bytes). Throws std::runtime_error "cannot write PATH: why".
void write_npz(const std::string& path, const std::vector<NpyArray>& arrays,
               const std::vector<std::pair<std::string, std::string>>& extra);

}  // namespace sweep::runner
