defmodule A do end
