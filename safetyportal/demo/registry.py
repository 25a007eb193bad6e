"""Demo loaders of the domain apps, run by ``seed_demo`` after the shared organisation model.

Each app keeps its own demo data next to its code (``<app>/demo.py``) and registers a loader here from its
``AppConfig.ready()``; the core never imports a domain app. Loaders must be idempotent."""

from __future__ import annotations

from collections.abc import Callable

DemoLoader = Callable[[], dict[str, int]]

_LOADERS: list[tuple[int, str, DemoLoader]] = []


def register_demo_loader(name: str, order: int = 100) -> Callable[[DemoLoader], DemoLoader]:
    def decorator(loader: DemoLoader) -> DemoLoader:
        if all(existing != name for _order, existing, _loader in _LOADERS):
            _LOADERS.append((order, name, loader))
        return loader

    return decorator


def demo_loaders() -> list[tuple[str, DemoLoader]]:
    return [(name, loader) for _order, name, loader in sorted(_LOADERS, key=lambda item: (item[0], item[1]))]
