export { runTour, type TourOutput } from './tour.ts';
