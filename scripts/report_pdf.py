#!/usr/bin/env python
"""Build report/report.pdf with latexmk (pdflatex): the main file, its sections, the generated
numbers and tables, and the figures are copied into one build folder (sections/, generated/,
figures/ beside the main file, as report.tex expects), and the PDF is moved into place only if
LaTeX reports no error, undefined macro or undefined reference."""
import argparse

from overparam.report_build import build_pdf


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--tex", required=True, help="the main .tex file")
    p.add_argument("--sections", nargs="+", required=True)
    p.add_argument("--generated", nargs="+", required=True, help="numbers.tex, the studies' numbers and tables")
    p.add_argument("--generated-dir", required=True, help="their root (report/generated), kept as generated/")
    p.add_argument("--figures", nargs="+", required=True)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--out", required=True, help="the PDF")
    a = p.parse_args(argv)
    build_pdf(a.tex, {"sections": a.sections, "generated": a.generated, "figures": a.figures},
              a.build_dir, a.out, roots={"generated": a.generated_dir})


if __name__ == "__main__":
    main()
