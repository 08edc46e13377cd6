/**
 * Matter-type suggestions for a caller's words, as the console's report form shows them (best
 * first, at most 5). Where they come from is one line (`SOURCE` below): today the intake form's
 * rule over the catalogue (common/suggest.ts: a type's name in the words); the classifier
 * (`POST /api/intake/suggest`, issue 10 item 7, built in another change) answers the same shape
 * and replaces it by changing that line to `classifierSuggestions`.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { suggestTypes } from '../../../../common/suggest.ts';
import { api } from '../../api/client';
import { type MatterType, useMatterTypeList } from '../../components/case/api';

export interface TypeSuggestion {
  code: string;
  name: string;
}

type Source = (text: string, types: readonly MatterType[]) => Promise<TypeSuggestion[]>;

/** The catalogue's names found in the words (what the intake form does today). */
export const localSuggestions: Source = async (text, types) =>
  suggestTypes(text, types, 5).map((t) => ({ code: t.code, name: t.name }));

/** The classifier's answer, `{ matterTypes: [{ code, name, score }] }` (issue 10 item 7). */
export const classifierSuggestions: Source = async (text) =>
  (
    await api.post<{ matterTypes: { code: string; name: string; score: number }[] }>('/api/intake/suggest', {
      text,
    })
  ).matterTypes.map(({ code, name }) => ({ code, name }));

/** Where the console's suggestions come from: swap to `classifierSuggestions` once it is in main. */
const SOURCE: Source = localSuggestions;

export function useTypeSuggestions(description: string): TypeSuggestion[] {
  const types = useMatterTypeList();
  const [text, setText] = useState(description.trim());
  useEffect(() => {
    const timer = setTimeout(() => setText(description.trim()), 300);
    return () => clearTimeout(timer);
  }, [description]);
  const found = useQuery({
    queryKey: ['hotline', 'suggest', text, !!types.data],
    enabled: text.length >= 2 && !!types.data,
    staleTime: 60_000,
    queryFn: () => SOURCE(text, types.data?.items ?? []),
  });
  return text.length >= 2 ? (found.data ?? []) : [];
}
