// The agency's own data-quality record (数据质量考核) from the scoreboard endpoint: headline counts and one line per
// template and period.
import { json } from './api.js';
import { onLanguageChange, t } from './i18n.js';
import { el, percent, table } from './dom.js';

export async function showScoreboard(container, agency) {
  const score = await json(`/api/agencies/${encodeURIComponent(agency)}/scoreboard`);
  const draw = () => container.replaceChildren(
    el('dl', { class: 'figures' },
      [['scoreboard.due', score.due], ['scoreboard.onTime', score.onTime], ['scoreboard.late', score.late], ['scoreboard.missing', score.missing],
        ['scoreboard.onTimeRate', percent(score.onTimeRate)], ['scoreboard.completeness', percent(score.requiredCompleteness)],
        ['scoreboard.rowsAccepted', score.rowsAccepted], ['scoreboard.rowsRejected', score.rowsRejected]]
        .map(([key, value]) => el('div', {}, el('dt', {}, t(key)), el('dd', {}, value)))),
    table(null,
      [t('scoreboard.template'), t('scoreboard.period'), t('scoreboard.dueDate'), t('scoreboard.timeliness'), t('scoreboard.daysLate'),
        t('scoreboard.rowsAccepted'), t('scoreboard.rowsRejected'), t('scoreboard.completeness')],
      score.lines.map(line => [line.templateId, line.period, line.dueDate ?? '', t(`timeliness.${line.timeliness}`), line.daysLate ?? '',
        line.rowsAccepted, line.rowsRejected, percent(line.requiredCompleteness)]),
      { class: 'scoreboard' }));
  draw();
  onLanguageChange(draw);
}
