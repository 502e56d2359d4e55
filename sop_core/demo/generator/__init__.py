"""The seeded, deterministic generator of the demo company (a fictional French plastics moulder).

`generate(seed)` returns the seven tables; `write_demo_files(dir)` writes them the way a French Excel
saves them (data/demo/). Nothing here reads a clock or the network.
"""

from sop_core.demo.generator.company import DEMO_AS_OF, generate, write_demo_files

__all__ = ["DEMO_AS_OF", "generate", "write_demo_files"]
