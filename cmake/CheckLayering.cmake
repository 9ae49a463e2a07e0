# Fails when a file under SOURCE_DIR includes a Qt Widgets header, by module path
# (<QtWidgets/...>) or by class name (<QWidget>, <QLabel>, ...). The class names are read from
# the installed QtWidgets include directory, so the check covers every Widgets header there is.
# Run with: cmake -DSOURCE_DIR=core -DWIDGETS_INCLUDE_DIR=... -P CheckLayering.cmake

set(_widget_headers "")
foreach(_dir IN LISTS WIDGETS_INCLUDE_DIR)
    if(IS_DIRECTORY "${_dir}" AND _dir MATCHES "QtWidgets$")
        file(GLOB _entries RELATIVE "${_dir}" "${_dir}/Q*")
        list(APPEND _widget_headers ${_entries})
    endif()
endforeach()

file(GLOB_RECURSE _sources "${SOURCE_DIR}/*.h" "${SOURCE_DIR}/*.cpp")
set(_violations "")
foreach(_file IN LISTS _sources)
    file(STRINGS "${_file}" _includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(_line IN LISTS _includes)
        string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" _header "${_line}")
        if(_header MATCHES "^QtWidgets/" OR _header MATCHES "^QtOpenGLWidgets/")
            list(APPEND _violations "${_file}: ${_header}")
        else()
            list(FIND _widget_headers "${_header}" _found)
            if(NOT _found EQUAL -1)
                list(APPEND _violations "${_file}: ${_header}")
            endif()
        endif()
    endforeach()
endforeach()

if(_violations)
    list(JOIN _violations "\n  " _text)
    message(FATAL_ERROR "core/ must not use Qt Widgets; found:\n  ${_text}")
endif()
