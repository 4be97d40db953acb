"""Peak memory and time of extracting one long article, parsed whole against in pieces.

Usage::

    .venv/bin/python bench/long_article.py [--chars 250000]

The article is the GUM news dev texts joined by blank lines and repeated to
``--chars`` characters. Each mode runs in its own subprocess (so peak RSS,
``ru_maxrss``, is that mode's alone): "whole" sets ``kg.extract.PIECE_CHARS`` above
the length (and spaCy's ``max_length`` with it), as kg did before; "pieces" keeps
the default (100,000 characters per piece).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GUM = Path("/work/shared/eval/gum-news-dev.jsonl")


def _text(chars: int) -> str:
    texts = [json.loads(line)["text"] for line in GUM.read_text(encoding="utf-8").splitlines() if line.strip()]
    one = "\n\n".join(texts)
    return ("\n\n".join([one] * (chars // len(one) + 1)))[:chars]


def _child(mode: str, chars: int) -> None:
    import kg.extract
    from kg.extract import extract
    from kg.extract.pipeline import load_pipeline
    from kg.records import Article

    text = _text(chars)
    if mode == "whole":
        kg.extract.PIECE_CHARS = len(text) + 1
        load_pipeline().max_length = len(text) + 1
    load_pipeline()
    start = time.perf_counter()
    x = extract(Article(id="long", text=text, title=None, published=None, url=None, source=None, origin="bench"))
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "rss": rss, "mentions": len(x.mentions), "entities": len(x.entities)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=250_000)
    parser.add_argument("--child", choices=["whole", "pieces"])
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.chars)
        return
    print(f"one article of {args.chars:,} characters (GUM news dev texts, repeated)")
    print("| mode | seconds | peak RSS (MB) | mentions | entities |")
    print("| --- | --- | --- | --- | --- |")
    for mode in ("whole", "pieces"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--chars", str(args.chars)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"| {mode} | {r['seconds']:.0f} | {r['rss'] / 2**20:.0f} | {r['mentions']} | {r['entities']} |", flush=True
        )


if __name__ == "__main__":
    main()
