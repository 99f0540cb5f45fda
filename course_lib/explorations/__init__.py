"""The notebooks' widget explorations, one module per lesson (``l01_bias_variance``, ...).

Each module builds pure plotting functions on course_lib and registers them with
:func:`course_lib.widgets.register`; :func:`course_lib.widgets.all_explorers` imports every
module of this package.
"""
