"""Build from the source tree only.

setuptools copies a package into build/lib and then ships everything it finds there, so files left by
an earlier build (renamed modules, scratch files) end up in the wheel (pypa/setuptools#1871). Each
build therefore gets a fresh temporary build folder, removed when the build ends: nothing in the
source tree is reused, and no build/ folder is left behind. Everything else is in pyproject.toml.
"""
import atexit
import shutil
import tempfile

from setuptools import setup
from setuptools.command.build import build


class FreshBuild(build):
    def initialize_options(self):
        super().initialize_options()
        self.build_base = tempfile.mkdtemp(prefix="fixer-build-")
        atexit.register(shutil.rmtree, self.build_base, True)


setup(cmdclass={"build": FreshBuild})
