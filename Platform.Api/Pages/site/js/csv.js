// Tables saved as CSV for Excel, written the way the server writes its own (Platform.Templates/Schema/CsvText.cs): UTF-8
// with a BOM, CRLF lines, a cell quoted when it holds a comma, quote or line break, and a cell Excel would run as a
// formula (starting =, +, - or @, and not a plain number), or that starts with a tab or carriage return, prefixed with an apostrophe.
const plainNumber = /^\s*[+-]?(?:\d[\d,]*)?(?:\.\d*)?\s*$/;

export function csvCell(value) {
  let cell = value === null || value === undefined ? '' : String(value);
  if (/^[\t\r]/.test(cell) || (/^[=+\-@]/.test(cell) && !(plainNumber.test(cell) && /\d/.test(cell)))) cell = "'" + cell;
  return /[",\r\n]/.test(cell) ? '"' + cell.replace(/"/g, '""') + '"' : cell;
}

export function csvText(rows) {
  return rows.map(cells => cells.map(csvCell).join(',') + '\r\n').join('');
}

/** Hands the rows (the first one the headers) to the browser as a download named fileName. */
export function saveCsv(fileName, rows) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob(['\uFEFF', csvText(rows)], { type: 'text/csv;charset=utf-8' }));
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
