from gpnopt.cli import run

run()
