/** Display names for simulated riders (1..40 characters, contract §2). */
const FIRST = [
  'Ada', 'Bruno', 'Chiara', 'Dmitri', 'Elena', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Keiko', 'Luca',
  'Mira', 'Nils', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tess', 'Uma', 'Viktor', 'Wren', 'Xenia',
  'Yusuf', 'Zoe', 'Amara', 'Bastian', 'Cleo', 'Darius', 'Esme', 'Felix',
];
const LAST = [
  'Moreau', 'Okafor', 'Lindqvist', 'Tanaka', 'Rossi', 'Novak', 'Haddad', 'Fischer', 'Silva', 'Kowalski',
  'Brennan', 'Duarte', 'Eriksen', 'Ferreira', 'Gallo', 'Horvat', 'Ivanova', 'Jensen', 'Kaur', 'Laine',
  'Mendes', 'Nakamura', 'Oliveira', 'Petrov', 'Quispe', 'Rahman', 'Sato', 'Toth', 'Ueda', 'Vargas',
];

/** A stable name for rider `index` of a class (distinct for the first 960 riders). */
export function riderName(classId: number, index: number): string {
  const i = index + classId * 7;
  const first = FIRST[i % FIRST.length] ?? 'Rider';
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length] ?? 'Anon';
  return `${first} ${last}`;
}
