src/app/CMakeFiles/nuflare_app.dir/main.cpp.o: \
 /work/main/src/app/main.cpp /usr/include/stdc-predef.h
