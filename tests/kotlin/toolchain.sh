# Sourced by tests/kotlin/run.sh and bench/run.sh: makes sure a JDK, JNA and the
# Kotlin 2 compiler are here, and sets KOTLIN_CP (the compiler, kotlin-stdlib and
# kotlinx-coroutines jars, joined by ':', with a trailing ':') and JNA_JAR.
#
# The compiler comes from the PyPI wheel kotlin-jupyter-kernel, which ships
# JetBrains' K2JVMCompiler, kotlin-stdlib and kotlinx-coroutines; it is cached
# outside the repository in $LIBDOCKER_KOTLIN_CACHE. JNA is Debian's libjna-java.
LIBDOCKER_KOTLIN_CACHE=${LIBDOCKER_KOTLIN_CACHE:-$HOME/.cache/libdocker-kotlin}
KOTLIN_KERNEL_VERSION=0.19.0.944

kotlin_need=()
command -v java >/dev/null || kotlin_need+=(default-jdk-headless)
[ -f /usr/share/java/jna.jar ] || kotlin_need+=(libjna-java)
command -v unzip >/dev/null || kotlin_need+=(unzip)
if [ ${#kotlin_need[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${kotlin_need[@]}" >/dev/null
fi
kotlin_jars=$LIBDOCKER_KOTLIN_CACHE/run_kotlin_kernel/jars
if ! ls "$kotlin_jars"/kotlin-jupyter-kernel-*-all.jar >/dev/null 2>&1; then
    mkdir -p "$LIBDOCKER_KOTLIN_CACHE"
    kotlin_pip=(python3 -m pip)
    if ! python3 -m pip --version >/dev/null 2>&1; then
        # No pip for the system's python: a venv has one.
        python3 -m venv "$LIBDOCKER_KOTLIN_CACHE/venv" 2>/dev/null ||
            { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$LIBDOCKER_KOTLIN_CACHE/venv"; }
        kotlin_pip=("$LIBDOCKER_KOTLIN_CACHE/venv/bin/python" -m pip)
    fi
    "${kotlin_pip[@]}" download -q --no-deps "kotlin-jupyter-kernel==$KOTLIN_KERNEL_VERSION" -d "$LIBDOCKER_KOTLIN_CACHE/wheel"
    (cd "$LIBDOCKER_KOTLIN_CACHE" && unzip -q -o wheel/kotlin_jupyter_kernel-*.whl 'run_kotlin_kernel/jars/*')
fi
KOTLIN_CP=$(ls "$kotlin_jars"/*.jar | tr '\n' ':')
JNA_JAR=/usr/share/java/jna.jar

# kotlinc OUT_DIR FILE...: compiles with the Kotlin 2 compiler (warnings hidden).
kotlinc() {
    local out=$1
    shift
    java -cp "$KOTLIN_CP" org.jetbrains.kotlin.cli.jvm.K2JVMCompiler -no-stdlib -no-reflect \
        -classpath "$KOTLIN_CP$JNA_JAR" -d "$out" "$@" 2>&1 | grep -v '^warning:' || true
}
