"""Writes the README's ```kotlin blocks as one Kotlin file for tests/kotlin/run.sh:
each block becomes `suspend fun readmeSnippetN(image: String)` (its `import` lines
hoisted to the top of the file), and `README_SNIPPETS` lists them, so the Kotlin
test runs every snippet against the test daemon with the test image as `image`."""

import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"^```kotlin\n(.*?)^```", text, flags=re.S | re.M)
imports = {"import dev.libdocker.*", "import kotlinx.coroutines.*"}
bodies = []
for block in blocks:
    lines = block.splitlines()
    imports.update(line.strip() for line in lines if line.startswith("import "))
    bodies.append([line for line in lines if not line.startswith("import ")])

out = sorted(imports) + [""]
for n, body in enumerate(bodies, 1):
    out.append(f"suspend fun readmeSnippet{n}(image: String): Unit = coroutineScope {{")
    out += ["    " + line if line else "" for line in body]
    out += ["}", ""]
names = ", ".join(f"::readmeSnippet{n}" for n in range(1, len(bodies) + 1))
out.append(f"val README_SNIPPETS: List<suspend (String) -> Unit> = listOf({names})")
print("\n".join(out))
