"""The Textual shell over the simulation core: the only package that imports textual."""
