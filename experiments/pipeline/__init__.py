"""The one path the model's runs take: plan -> execute -> store -> summarise.

Used by ``govsim run``, ``sweep``, ``compare --robust``, ``swaps``, ``cases`` and
``calibrate``'s posterior-predictive draws; which commands run the model outside
it, and why, is in :mod:`experiments.pipeline.loop` (and docs/ROBUST.md).

- plan (:mod:`experiments.pipeline.plan`): dense run ids, each rebuilt as a
  :class:`~experiments.pipeline.plan.PlannedRun` (a ``RunTask`` with its identity
  and parameter values). :class:`experiments.sweep.plan.SweepPlan` is the general
  plan (variants x design points x replicates); a plain run config is a sweep of
  one point (``SweepPlan.single``); :class:`~experiments.pipeline.plan.TaskPlan`
  wraps an explicit list of tasks (lever-swap arms, every case at once) or of
  calls (calibration's predictive draws).
- execute (:mod:`experiments.pipeline.loop`): the one executor loop, on any
  executor (in-process, process pool, Dask), outcomes in completion order.
- store (:mod:`experiments.pipeline.sinks`, :mod:`experiments.pipeline.store`):
  in memory, in run-id order, or a resumable sweep folder.
- summarise: each command's own tables and figures (``experiments.experiment``,
  ``experiments.sweep``, ``experiments.robust``, ``experiments.lever_swaps``,
  ``experiments.cases``, ``experiments.calibration``).

Import from the modules (``experiments.pipeline.plan``, ``.loop``, ``.sinks``,
``.store``): the package itself imports nothing, so that the sweep plan, which
builds :class:`~experiments.pipeline.plan.PlannedRun`, can load it without a cycle.
"""

__all__: list[str] = []
