//! placeholder (stats helper fills this in)
