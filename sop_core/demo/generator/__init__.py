"""The seeded, deterministic generator of the demo company (a fictional French plastics moulder).

`generator.generate(seed)` returns the six tables; `generator.write_demo_files(dir)` writes them the
way a French Excel saves them (data/demo/). Nothing here reads a clock or the network.
"""
