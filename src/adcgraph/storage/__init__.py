"""Where the graph lives on disk: the embedded Oxigraph store, its generations and safe publishing.

``locations`` names the project's folders, ``store`` opens and loads the Oxigraph store,
``generations`` gives readers snapshots no writer touches, ``publish`` journals and swaps in a
new store or release atomically, ``atomicfile`` writes any single file all-or-nothing.
"""
