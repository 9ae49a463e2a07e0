# Installs the build in BUILD_DIR into PREFIX and fails unless every file a desktop user needs
# is there. Run with: cmake -DBUILD_DIR=... -DPREFIX=... -P CheckInstall.cmake
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE result OUTPUT_QUIET)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --install failed (${result})")
endif()
foreach(file bin/bagel bin/bagel-cli share/applications/bagel.desktop
             share/icons/hicolor/scalable/apps/bagel.svg share/icons/hicolor/256x256/apps/bagel.png
             share/icons/hicolor/64x64/apps/bagel.png share/doc/Bagel/CREDITS)
    if(NOT EXISTS "${PREFIX}/${file}")
        message(FATAL_ERROR "not installed: ${file}")
    endif()
endforeach()
file(STRINGS "${PREFIX}/share/applications/bagel.desktop" exec REGEX "^Exec=")
if(NOT exec STREQUAL "Exec=bagel %f")
    message(FATAL_ERROR "unexpected desktop entry: ${exec}")
endif()
execute_process(COMMAND "${PREFIX}/bin/bagel-cli" --version RESULT_VARIABLE result OUTPUT_VARIABLE version)
if(NOT result EQUAL 0 OR NOT version MATCHES "^bagel-cli ")
    message(FATAL_ERROR "the installed bagel-cli does not run: ${version}")
endif()
