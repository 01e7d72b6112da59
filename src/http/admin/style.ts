/** The admin pages' CSS: inline in the layout, no external asset. */
export const ADMIN_STYLE = `:root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--soft:#f9fafb;--blue:#1d4ed8;--red:#b91c1c}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:#f3f4f6;margin:0}
.top{background:#111827;color:#e5e7eb;padding:.6rem 1.5rem;display:flex;gap:1rem;align-items:center;font-size:.875rem}
.top strong{color:#fff}.top .who{margin-left:auto}
.top form{display:inline}.top button{background:none;border:0;color:#93c5fd;cursor:pointer;font:inherit;padding:0;text-decoration:underline}
main{max-width:72rem;margin:1.5rem auto;padding:0 1.5rem}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:1.25rem 1.5rem;margin-bottom:1.25rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:0 0 .75rem}
p.lead{color:var(--muted);margin:.25rem 0 1rem}
nav.tabs{display:flex;gap:.25rem;margin:0 0 1rem;border-bottom:1px solid var(--line)}
nav.tabs a{padding:.5rem .9rem;color:var(--muted);text-decoration:none;border-bottom:2px solid transparent;margin-bottom:-1px}
nav.tabs a[aria-current=page]{color:var(--ink);border-color:var(--blue);font-weight:600}
.toolbar{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin-bottom:1rem}
.toolbar form.search{display:flex;gap:.5rem}
input[type=search]{padding:.45rem .7rem;border:1px solid #d1d5db;border-radius:6px;font:inherit;min-width:16rem}
.filters{display:flex;gap:.25rem;margin-left:auto}
.filters a{padding:.3rem .75rem;border-radius:999px;color:var(--muted);text-decoration:none;border:1px solid var(--line);background:#fff;font-size:.875rem}
.filters a[aria-current=true]{background:var(--ink);border-color:var(--ink);color:#fff}
table{width:100%;border-collapse:collapse;font-size:.9rem}
th{text-align:left;font-weight:600;color:var(--muted);font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;padding:.5rem .6rem;border-bottom:1px solid var(--line)}
td{padding:.55rem .6rem;border-bottom:1px solid var(--line);vertical-align:middle}
tbody tr:hover{background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.name{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;word-break:break-all}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-size:.75rem;font-weight:600}
.badge.active{background:#dcfce7;color:#166534}.badge.expired{background:#fef3c7;color:#92400e}
button,.button{display:inline-block;padding:.45rem 1rem;font:inherit;font-size:.9rem;border:0;border-radius:6px;background:var(--blue);color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--ink);border:1px solid #d1d5db}
button.danger{background:var(--red)}
.actions{display:flex;gap:.75rem;align-items:center;justify-content:space-between;margin-top:1rem;flex-wrap:wrap}
.pager{display:flex;gap:.75rem}
.notice{background:#ecfdf5;border:1px solid #a7f3d0;color:#065f46;padding:.6rem 1rem;border-radius:8px;margin-bottom:1rem}
.warning{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;padding:.6rem 1rem;border-radius:8px;margin:1rem 0}
.empty{color:var(--muted);text-align:center;padding:2rem}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem;margin-bottom:1.25rem}
.stat{background:#fff;border:1px solid var(--line);border-radius:10px;padding:.9rem 1rem}
.stat span{display:block;color:var(--muted);font-size:.75rem;text-transform:uppercase;letter-spacing:.04em}
.stat strong{font-size:1.6rem;font-variant-numeric:tabular-nums}
.stat i{display:inline-block;width:.7rem;height:.7rem;border-radius:2px;margin-right:.35rem;vertical-align:baseline}
.stat.rate{background:#eff6ff;border-color:#bfdbfe}
svg.chart{width:100%;height:auto;display:block}
.legend{display:flex;gap:1.25rem;font-size:.85rem;color:var(--muted);margin-top:.5rem;flex-wrap:wrap}
.legend i{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.35rem;vertical-align:-1px}
details summary{cursor:pointer;color:var(--blue);margin-top:.5rem}
small.muted{color:var(--muted)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;
