#!/bin/bash -eu
# ClusterFuzzLite build script: runs in WORKDIR $SRC/libbce (Dockerfile)
# with $CC $CFLAGS $LIB_FUZZING_ENGINE $OUT $WORK set by the builder.
# fuzz/oss-fuzz-build.sh builds every target with its .dict, .options and
# _seed_corpus.zip into $OUT (docs/FUZZING.md).
# (.ci/run runs it from the checkout, with no $SRC/libbce)
if [ -d "${SRC:-}/libbce/fuzz" ]; then cd "$SRC/libbce"; fi
exec ./fuzz/oss-fuzz-build.sh
