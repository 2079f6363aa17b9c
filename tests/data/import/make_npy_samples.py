#!/usr/bin/python3
"""Writes the NPY/NPZ samples tst_npy reads, with numpy's own writers (numpy 1.24, Debian 12).

    /usr/bin/python3 tests/data/import/make_npy_samples.py tests/data/import
"""
import os
import sys

import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "."
ids = (np.arange(5 * 3 * 2, dtype=np.int32) * 7 % 8).reshape(5, 3, 2)  # [tokens, layers, k]
np.save(os.path.join(out, "ids_i4.npy"), ids)
np.save(os.path.join(out, "ids_be_u2.npy"), ids.astype(">u2"))
np.save(os.path.join(out, "weights_f2.npy"), np.linspace(0, 1, 30, dtype=np.float16).reshape(5, 3, 2))
np.save(os.path.join(out, "scalar_f8.npy"), np.float64(2.5))
np.save(os.path.join(out, "flags_b1.npy"), np.array([True, False, True]))
np.save(os.path.join(out, "ids_fortran.npy"), np.asfortranarray(ids))
np.save(os.path.join(out, "names_U.npy"), np.array(["a", "bc"]))
tokens = np.arange(5, dtype=np.int64) + 10
lengths = np.array([2, 3], dtype=np.int64)
np.savez(os.path.join(out, "trace_stored.npz"), ids=ids, token_ids=tokens, lengths=lengths)
np.savez_compressed(os.path.join(out, "trace_deflated.npz"), ids=ids, token_ids=tokens, lengths=lengths)
