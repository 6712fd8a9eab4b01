-- Headless Neovim (0.7+) with its built-in LSP client: opens $GARRISON_NVIM_FILE with
-- `$GARRISON_BIN lsp` attached, waits (bounded) for diagnostics and writes each as a JSON
-- line to $GARRISON_NVIM_OUT ("TIMEOUT" when none came). Used by tests/editor_nvim.rs.
local bin = os.getenv("GARRISON_BIN")
local file = os.getenv("GARRISON_NVIM_FILE")
local out = os.getenv("GARRISON_NVIM_OUT")

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({
  name = "garrison",
  cmd = { bin, "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":p:h"),
})
vim.lsp.buf_attach_client(buf, client)

local got = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 20)

local lines = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local lsp = (d.user_data or {}).lsp or {}
  table.insert(lines, vim.fn.json_encode({
    lnum = d.lnum,
    col = d.col,
    severity = d.severity,
    source = d.source,
    code = d.code or lsp.code,
    message = d.message,
  }))
end
if not got then
  table.insert(lines, "TIMEOUT")
end
vim.fn.writefile(lines, out)
vim.lsp.stop_client(client)
vim.wait(5000, function()
  return vim.lsp.client_is_stopped(client)
end, 20)
vim.cmd("qall!")
