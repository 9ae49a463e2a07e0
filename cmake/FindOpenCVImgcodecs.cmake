# Finds the three OpenCV modules Bagel uses (core, imgproc, imgcodecs).
# Debian ships OpenCV's CMake package only with the full libopencv-dev; the per-module
# -dev packages Bagel installs carry headers and libraries but no config file.
# Provides the imported target OpenCV::imgcodecs (which brings core and imgproc).

find_path(OpenCVImgcodecs_INCLUDE_DIR opencv2/imgcodecs.hpp PATH_SUFFIXES opencv4)
find_library(OpenCVImgcodecs_CORE_LIBRARY opencv_core)
find_library(OpenCVImgcodecs_IMGPROC_LIBRARY opencv_imgproc)
find_library(OpenCVImgcodecs_IMGCODECS_LIBRARY opencv_imgcodecs)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenCVImgcodecs
    REQUIRED_VARS OpenCVImgcodecs_INCLUDE_DIR OpenCVImgcodecs_CORE_LIBRARY
                  OpenCVImgcodecs_IMGPROC_LIBRARY OpenCVImgcodecs_IMGCODECS_LIBRARY)

if(OpenCVImgcodecs_FOUND AND NOT TARGET OpenCV::imgcodecs)
    add_library(OpenCV::core UNKNOWN IMPORTED)
    set_target_properties(OpenCV::core PROPERTIES
        IMPORTED_LOCATION "${OpenCVImgcodecs_CORE_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${OpenCVImgcodecs_INCLUDE_DIR}")
    add_library(OpenCV::imgproc UNKNOWN IMPORTED)
    set_target_properties(OpenCV::imgproc PROPERTIES
        IMPORTED_LOCATION "${OpenCVImgcodecs_IMGPROC_LIBRARY}"
        INTERFACE_LINK_LIBRARIES OpenCV::core)
    add_library(OpenCV::imgcodecs UNKNOWN IMPORTED)
    set_target_properties(OpenCV::imgcodecs PROPERTIES
        IMPORTED_LOCATION "${OpenCVImgcodecs_IMGCODECS_LIBRARY}"
        INTERFACE_LINK_LIBRARIES OpenCV::imgproc)
endif()
mark_as_advanced(OpenCVImgcodecs_INCLUDE_DIR OpenCVImgcodecs_CORE_LIBRARY
                 OpenCVImgcodecs_IMGPROC_LIBRARY OpenCVImgcodecs_IMGCODECS_LIBRARY)
