/** Who is riding which race: chosen on the ride page, used while riding and on the result. */
export interface RideSession {
  racerId: string;
  name: string;
  classId: number;
  className: string;
  raceId: number;
}
