"""Solvers: allocation and routing. The only package that imports OR-Tools or PyVRP."""
