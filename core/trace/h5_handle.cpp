#include "core/trace/h5_handle.h"

#include "core/util/error.h"


namespace specmoe::h5 {

void quietErrors()
{
    // The error stack (and its printing) is per thread in a thread-safe HDF5 build.
    thread_local bool done = false;
    if (!done) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        done = true;
    }
}

namespace {
herr_t walkCb(unsigned n, const H5E_error2_t* e, void* data)
{
    auto* out = static_cast<std::string*>(data);
    char minor[256] = {0};
    H5Eget_msg(e->min_num, nullptr, minor, sizeof minor);
    // Innermost first (walked upward); keep the message short: at most a few frames.
    if (n >= 6)
        return 0;
    const std::string desc = e->desc ? std::string(e->desc) : std::string();
    const std::string min(minor);
    if (desc.empty() && min.empty())
        return 0;
    if (!out->empty())
        out->append("; ");
    out->append(desc);
    if (!min.empty()) {
        out->append(desc.empty() ? "" : " (");
        out->append(min);
        out->append(desc.empty() ? "" : ")");
    }
    return 0;
}
} // namespace

std::string lastError()
{
    std::string s;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walkCb, &s);
    H5Eclear2(H5E_DEFAULT);
    if (s.empty())
        return "HDF5 error";
    // A failed system call: HDF5's text holds "errno = N, error message = '...'"; lead
    // with that (e.g. "No space left on device") and keep the rest short.
    const std::string key = "error message = '";
    const auto at = s.find(key);
    if (at != std::string::npos) {
        const auto end = s.find('\'', at + key.size());
        const std::string sys = s.substr(at + key.size(), end == std::string::npos ? std::string::npos
                                                                                   : end - at - key.size());
        const auto cut = s.find(": time = ");
        return sys + " (" + (cut == std::string::npos ? s.substr(0, 80) : s.substr(0, cut)) + ")";
    }
    return s;
}

void fail(const std::string& where, const std::string& what)
{
    throw Error(where + ": " + what + ": " + lastError());
}

hid_t check(hid_t id, const std::string& where, const std::string& what)
{
    if (id < 0)
        fail(where, what);
    return id;
}

bool Id::close()
{
    if (m_id < 0)
        return true;
    herr_t r = 0;
    switch (H5Iget_type(m_id)) {
    case H5I_FILE: r = H5Fclose(m_id); break;
    case H5I_GROUP: r = H5Gclose(m_id); break;
    case H5I_DATASET: r = H5Dclose(m_id); break;
    case H5I_DATASPACE: r = H5Sclose(m_id); break;
    case H5I_DATATYPE: r = H5Tclose(m_id); break;
    case H5I_ATTR: r = H5Aclose(m_id); break;
    case H5I_GENPROP_LST: r = H5Pclose(m_id); break;
    default: r = H5Idec_ref(m_id); break;
    }
    m_id = -1;
    if (r < 0) {
        H5Eclear2(H5E_DEFAULT);
        return false;
    }
    return true;
}

Id float16Type()
{
    Id t(H5Tcopy(H5T_IEEE_F32LE));
    H5Tset_fields(t, 15, 10, 5, 0, 10);
    H5Tset_size(t, 2);
    H5Tset_ebias(t, 15);
    return t;
}

namespace {
Id stringType()
{
    Id t(H5Tcopy(H5T_C_S1));
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}
} // namespace

void writeAttr(hid_t obj, const std::string& name, const std::string& value, const std::string& where)
{
    Id type = stringType();
    Id space(H5Screate(H5S_SCALAR));
    Id a(check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), where,
               "cannot create attribute " + name));
    const char* p = value.c_str();
    if (H5Awrite(a, type, &p) < 0)
        fail(where, "cannot write attribute " + name);
}

void writeAttr(hid_t obj, const std::string& name, int64_t value, const std::string& where)
{
    Id space(H5Screate(H5S_SCALAR));
    Id a(check(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), where,
               "cannot create attribute " + name));
    if (H5Awrite(a, H5T_NATIVE_INT64, &value) < 0)
        fail(where, "cannot write attribute " + name);
}

void writeAttr(hid_t obj, const std::string& name, const std::vector<int32_t>& value, const std::string& where)
{
    const hsize_t n = value.size();
    Id space(value.empty() ? H5Screate(H5S_NULL) : H5Screate_simple(1, &n, nullptr));
    Id a(check(H5Acreate2(obj, name.c_str(), H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT), where,
               "cannot create attribute " + name));
    if (!value.empty() && H5Awrite(a, H5T_NATIVE_INT32, value.data()) < 0)
        fail(where, "cannot write attribute " + name);
}

bool hasAttr(hid_t obj, const std::string& name)
{
    const htri_t r = H5Aexists(obj, name.c_str());
    if (r < 0)
        H5Eclear2(H5E_DEFAULT);
    return r > 0;
}

namespace {
Id openAttr(hid_t obj, const std::string& name, const std::string& where)
{
    if (!hasAttr(obj, name))
        throw Error(where + ": attribute '" + name + "' is missing");
    return Id(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), where, "cannot open attribute " + name));
}
} // namespace

std::string readStringAttr(hid_t obj, const std::string& name, const std::string& where)
{
    Id a = openAttr(obj, name, where);
    Id ftype(H5Aget_type(a));
    if (H5Tget_class(ftype) != H5T_STRING)
        throw Error(where + ": attribute '" + name + "' is not a string");
    Id space(H5Aget_space(a));
    if (H5Sget_simple_extent_npoints(space) != 1)
        throw Error(where + ": attribute '" + name + "' is not a scalar");
    if (H5Tis_variable_str(ftype) > 0) {
        Id mtype = stringType();
        char* p = nullptr;
        if (H5Aread(a, mtype, &p) < 0)
            fail(where, "cannot read attribute " + name);
        std::string s = p ? p : "";
        H5free_memory(p);
        return s;
    }
    const size_t size = H5Tget_size(ftype);
    std::string s(size, '\0');
    Id mtype(H5Tcopy(ftype));
    if (H5Aread(a, mtype, s.data()) < 0)
        fail(where, "cannot read attribute " + name);
    s.resize(std::char_traits<char>::length(s.c_str()));
    return s;
}

int64_t readIntAttr(hid_t obj, const std::string& name, const std::string& where)
{
    Id a = openAttr(obj, name, where);
    Id ftype(H5Aget_type(a));
    if (H5Tget_class(ftype) != H5T_INTEGER)
        throw Error(where + ": attribute '" + name + "' is not an integer");
    Id space(H5Aget_space(a));
    if (H5Sget_simple_extent_npoints(space) != 1)
        throw Error(where + ": attribute '" + name + "' is not a scalar");
    int64_t v = 0;
    if (H5Aread(a, H5T_NATIVE_INT64, &v) < 0)
        fail(where, "cannot read attribute " + name);
    return v;
}

std::vector<int32_t> readIntArrayAttr(hid_t obj, const std::string& name, const std::string& where)
{
    Id a = openAttr(obj, name, where);
    Id space(H5Aget_space(a));
    if (H5Sget_simple_extent_type(space) == H5S_NULL)
        return {};
    Id ftype(H5Aget_type(a));
    if (H5Tget_class(ftype) != H5T_INTEGER)
        throw Error(where + ": attribute '" + name + "' is not an integer array");
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0 || n > 4096)
        throw Error(where + ": attribute '" + name + "' has a bad size");
    std::vector<int32_t> v(static_cast<size_t>(n));
    if (n > 0 && H5Aread(a, H5T_NATIVE_INT32, v.data()) < 0)
        fail(where, "cannot read attribute " + name);
    return v;
}

bool exists(hid_t loc, const std::string& path)
{
    const htri_t r = H5Lexists(loc, path.c_str(), H5P_DEFAULT);
    if (r < 0)
        H5Eclear2(H5E_DEFAULT);
    return r > 0;
}

std::vector<hsize_t> shape(hid_t dset, const std::string& where)
{
    Id space(check(H5Dget_space(dset), where, "cannot get dataspace"));
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0)
        fail(where, "cannot get rank");
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    if (rank > 0)
        H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return dims;
}

void writeStrings(hid_t loc, const std::string& name, const std::vector<std::string>& v,
                  const std::string& where)
{
    Id type = stringType();
    const hsize_t n = v.size();
    Id space(H5Screate_simple(1, &n, nullptr));
    Id d(check(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               where, "cannot create dataset " + name));
    std::vector<const char*> ptrs(v.size());
    for (size_t i = 0; i < v.size(); ++i)
        ptrs[i] = v[i].c_str();
    if (n > 0 && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
        fail(where, "cannot write dataset " + name);
    if (!d.close())
        throw Error(where + ": cannot close dataset " + name);
}

std::vector<std::string> readStrings(hid_t loc, const std::string& name, size_t n, const std::string& where)
{
    if (!exists(loc, name))
        throw Error(where + ": dataset '" + name + "' is missing");
    Id d(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), where, "cannot open dataset " + name));
    Id ftype(H5Dget_type(d));
    if (H5Tget_class(ftype) != H5T_STRING || H5Tis_variable_str(ftype) <= 0)
        throw Error(where + ": dataset '" + name + "' is not a variable-length string array");
    const auto dims = shape(d, where + " " + name);
    if (dims.size() != 1 || dims[0] != n)
        throw Error(where + ": dataset '" + name + "' has " +
                    (dims.size() == 1 ? std::to_string(dims[0]) + " entries"
                                      : std::to_string(dims.size()) + " dimensions") +
                    ", expected " + std::to_string(n) + " entries (one dimension)");
    std::vector<char*> ptrs(n, nullptr);
    Id mtype = stringType();
    if (dims[0] > 0 && H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
        fail(where, "cannot read dataset " + name);
    std::vector<std::string> out(ptrs.size());
    for (size_t i = 0; i < ptrs.size(); ++i) {
        out[i] = ptrs[i] ? ptrs[i] : "";
        H5free_memory(ptrs[i]);
    }
    return out;
}

void writeVector(hid_t loc, const std::string& name, hid_t type, const void* data, size_t n,
                 const std::string& where)
{
    const hsize_t dims = n;
    Id space(H5Screate_simple(1, &dims, nullptr));
    Id d(check(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               where, "cannot create dataset " + name));
    if (n > 0 && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        fail(where, "cannot write dataset " + name);
    if (!d.close())
        throw Error(where + ": cannot close dataset " + name);
}

void readVector(hid_t loc, const std::string& name, hid_t memType, void* data, size_t n,
                const std::string& where)
{
    if (!exists(loc, name))
        throw Error(where + ": dataset '" + name + "' is missing");
    Id d(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), where, "cannot open dataset " + name));
    const auto dims = shape(d, where + " " + name);
    if (dims.size() != 1 || dims[0] != n)
        throw Error(where + ": dataset '" + name + "' has " +
                    (dims.size() == 1 ? std::to_string(dims[0]) : std::string("a wrong shape")) +
                    " entries, expected " + std::to_string(n));
    if (n > 0 && H5Dread(d, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        fail(where, "cannot read dataset " + name);
}

} // namespace specmoe::h5
