/**
 * Public interface of the hotline module (热线受理): its routes (the telephony's incoming calls, the
 * operators' console, seats, the knowledge base), its topic of the live stream (the incoming-call
 * pop), and what the demo seed writes (the generated knowledge base).
 */
export { seedDemoKnowledge } from './demo-knowledge.ts';
export { hotlineRoutes } from './routes.ts';
export { hotlineLiveTopic } from './stream.ts';
