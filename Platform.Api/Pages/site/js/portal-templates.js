// The agency's active templates, each field explained, with the example files to download.
import { download, json } from './api.js';
import { either, onLanguageChange, t } from './i18n.js';
import { el, say, table } from './dom.js';

function schedule(s) {
  return t(`schedule.${s.kind}`, { d: s.day ?? '' });
}

function fieldRows(version) {
  return version.fields.map(f => [
    el('code', {}, f.name),
    f.title,
    f.titleEn,
    f.format ? `${f.type} (${f.format})` : f.type,
    f.required ? t('templates.yes') : t('templates.no'),
    f.description ?? '',
  ]);
}

function templateCard(template, version, status) {
  const base = `/api/templates/${encodeURIComponent(template.id)}/versions/${version.version}`;
  const get = (suffix, name) => () => download(base + suffix, name).catch(error => say(status, error.message, 'error'));
  const title = either(template.title, template.titleEn);
  return el('article', { class: 'template', id: `template-${template.id}` },
    el('h3', {}, `${title} · ${t('templates.version', { v: version.version })}`),
    el('dl', { class: 'facts' },
      el('dt', {}, t('templates.schedule')), el('dd', {}, schedule(version.schedule)),
      el('dt', {}, t('templates.subjectKey')), el('dd', {}, el('code', {}, version.subjectKey))),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'example-xlsx', onclick: get('/example.xlsx', `${template.id}-example.xlsx`) }, t('templates.exampleXlsx')),
      el('button', { type: 'button', class: 'example-csv', onclick: get('/example.csv', `${template.id}-example.csv`) }, t('templates.exampleCsv'))),
    table(title, [t('templates.field'), t('templates.titleZh'), t('templates.titleEn'), t('templates.type'), t('templates.required'),
      t('templates.description')], fieldRows(version), { class: 'fields-table' }));
}

/** Draws the templates and answers the versions a file can be sent for: [{template, version}]. */
export async function showTemplates(container) {
  const templates = await json('/api/templates');
  const open = templates.flatMap(template => template.versions
    .filter(version => version.acceptsSubmissions)
    .map(version => ({ template, version })));
  const status = el('p', { role: 'status', 'aria-live': 'polite', hidden: true });
  const draw = () => {
    container.replaceChildren(status, ...(open.length === 0
      ? [el('p', {}, t('templates.none'))]
      : open.map(({ template, version }) => templateCard(template, version, status))));
  };
  draw();
  onLanguageChange(draw);
  return open;
}
