from __future__ import annotations

# --- Feedback and complaints -----------------------------------------------------------------

# --- Dashboard and exports -------------------------------------------------------------------
